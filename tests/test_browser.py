"""The built site in a real browser, opened from disk (file://) as a reader would open it.

Drives Debian's /usr/bin/chromium through Playwright: one browser and one context for the module,
a fresh page per test. Screenshots go to /tmp/chronique-shots/ for a human to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, expect, sync_playwright

from conftest import build, write_article

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    # Playwright's own browser download is not used: the tests drive the distribution's Chromium.
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI installs it", allow_module_level=True)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path("/tmp/chronique-shots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PER_PAGE = 5
ARTICLES = 30
TOPICS = {
    "ports": "Le port de Tanger Med accueille des porte-conteneurs et la logistique portuaire progresse.",
    "énergie": "Les centrales solaires et les éoliennes du désert produisent une énergie renouvelable.",
    "pêche": "Les chalutiers débarquent sardines et poulpes ; les quotas de pêche sont discutés.",
}
NAV_LINKS = [("Sources", "/sources.html"), ("Archives", "/archives.html"), ("Étiquettes", "/tags.html")]
ARTICLE_URL = re.compile(r"/\d{4}/\d{2}/[^/]+\.html$")
# Markup in a title must reach the reader as text: the search page builds results from the index.
TRAP_TITLE = "Balise <img src=x onerror=window.__pwned=1> dans un titre"
# The newest article says "dépêche" only in its body, so a title hit must outrank its recency.
LATEST_TITLE = "Dernière heure : actualité {topic}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 short articles on three topics, 5 to a page: several listing pages and related links."""
    root = tmp_path_factory.mktemp("paged")
    content = root / "articles"
    for number in range(1, ARTICLES + 1):
        topic = topic_of(number)
        sentence = TOPICS[topic]
        title = {1: TRAP_TITLE, ARTICLES: LATEST_TITLE.format(topic=topic)}.get(
            number, f"Dépêche {number:02d} : actualité {topic}"
        )
        body = f"{sentence}\n\nCette dépêche numéro {number} parle de {topic} au Maroc.\n"
        day = f"2024-01-{number:02d}"
        write_article(content, f"{number:02d}.md", title, day, body, tags=f"[{topic}, Maroc]")
    (root / "site.yaml").write_text(
        f"title: Dépêches de test\nlanguage: fr\nper_page: {PER_PAGE}\ntags:\n  entities: false\n", "utf-8"
    )
    build(content, root / "site")
    return root / "site"


def topic_of(number: int) -> str:
    return list(TOPICS)[number % len(TOPICS)]


@dataclass
class Tab:
    """A page plus everything that went wrong while it was open."""

    page: Page
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.errors == [], "console errors or uncaught exceptions"
        assert self.failed == [], "requests failed (missing files?)"
        assert self.external == [], "the site must not fetch anything off disk"


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Shared by the module's tests: a context costs more than the pages they open in it."""
    shared = browser.new_context(viewport=DESKTOP)
    yield shared
    shared.close()


@pytest.fixture
def tab(context: BrowserContext) -> Iterator[Tab]:
    page = context.new_page()
    watched = Tab(page)
    page.on("console", lambda message: message.type == "error" and watched.errors.append(message.text))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("requestfailed",
            lambda request: _missing(request) and watched.failed.append(f"{request.url}: {request.failure}"))
    page.on("request", lambda request: _is_external(request.url) and watched.external.append(request.url))
    yield watched
    page.close()


def _missing(request: Request) -> bool:
    """Chromium fetches a page's icon once the page has loaded: going on to the next page at once cuts
    that fetch short, which is no missing file."""
    return not (request.failure == "net::ERR_ABORTED" and request.url.endswith("/favicon.svg"))


def _is_external(url: str) -> bool:
    return not url.startswith(("file:", "data:", "about:"))


def open_page(tab: Tab, site: Path, path: str, query: str = "") -> None:
    tab.page.goto(site.joinpath(path).as_uri() + (f"?{query}" if query else ""))
    expect(tab.page.locator("h1")).to_be_visible()


def follow(tab: Tab, link: Locator, expected_path: str | re.Pattern[str]) -> None:
    """Click a link and check the right page arrived: on file:// there is no HTTP status to read."""
    link.click()
    if isinstance(expected_path, str):
        expected_path = re.compile(re.escape(expected_path) + "$")
    expect(tab.page).to_have_url(expected_path)
    expect(tab.page.locator("h1")).to_be_visible()


# Navigation --------------------------------------------------------------------------------------


def test_header_navigation_and_tag_pages(tab: Tab, seed_site: Path) -> None:
    open_page(tab, seed_site, "index.html")
    nav = tab.page.locator(".site-nav")
    for name, path in NAV_LINKS:
        follow(tab, nav.get_by_role("link", name=name, exact=True), path)
    tag = tab.page.locator(".group-index a").first
    tag_name = tag.inner_text()
    follow(tab, tag, re.compile(r"/tags/[^/]+\.html$"))
    expect(tab.page.locator("h1")).to_contain_text(tag_name)
    follow(tab, tab.page.locator(".article-list .p-name a").first, ARTICLE_URL)
    follow(tab, tab.page.locator(".tags a").first, re.compile(r"/tags/[^/]+\.html$"))
    follow(tab, tab.page.locator(".site-title a"), "/index.html")
    tab.assert_clean()


def test_related_links_lead_to_articles(tab: Tab, paged_site: Path) -> None:
    open_page(tab, paged_site, "index.html")
    follow(tab, tab.page.locator(".article-list .p-name a").first, ARTICLE_URL)
    first_title = tab.page.locator("h1").inner_text()
    related = tab.page.locator("nav.related a")
    expect(related.first).to_be_visible()
    other = related.first.inner_text()
    follow(tab, related.first, ARTICLE_URL)
    expect(tab.page.locator("h1")).to_have_text(other)
    assert other != first_title
    tab.assert_clean()


def test_pagination_walks_every_article_once(tab: Tab, paged_site: Path) -> None:
    open_page(tab, paged_site, "index.html")
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        titles = tab.page.locator(".lead .p-name a, .article-list .p-name a").all_inner_texts()  # the front's lead too
        assert 0 < len(titles) < 2 * PER_PAGE
        seen += titles
        older = tab.page.locator(".pager a[rel=next]")
        if older.count() == 0:
            break
        follow(tab, older, re.compile(r"\.html$"))
    assert pages > 1
    assert len(seen) == len(set(seen)) == ARTICLES
    follow(tab, tab.page.locator(".pager a[rel=prev]"), re.compile(r"\.html$"))
    assert tab.page.locator(".article-list .p-name a").all_inner_texts() == seen[-2 * PER_PAGE : -PER_PAGE]
    tab.assert_clean()


# Accessibility and theme -------------------------------------------------------------------------


def test_first_tab_reveals_the_skip_link_which_focuses_main(tab: Tab, seed_site: Path) -> None:
    open_page(tab, seed_site, "index.html")
    skip = tab.page.locator(".skip-link")
    assert _on_screen(tab.page, ".skip-link") is False
    tab.page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    tab.page.wait_for_function(
        "document.querySelector('.skip-link').getBoundingClientRect().top >= 0", timeout=2000
    )
    assert _on_screen(tab.page, ".skip-link") is True
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("#main")).to_be_focused()
    tab.assert_clean()


def _on_screen(page: Page, selector: str) -> bool:
    return bool(page.eval_on_selector(selector, "e => e.getBoundingClientRect().bottom > 0"))


def test_dark_scheme_changes_the_colours_and_keeps_contrast(tab: Tab, seed_site: Path) -> None:
    open_page(tab, seed_site, "index.html")
    backgrounds = {}
    for scheme in ("light", "dark"):
        tab.page.emulate_media(color_scheme=scheme)
        background = _colour(tab.page, "body", "backgroundColor")
        backgrounds[scheme] = background
        for selector in ("body", ".article-list .p-name a", ".meta", ".site-footer"):
            ratio = contrast(_colour(tab.page, selector, "color"), background)
            assert ratio >= 4.5, f"{scheme}: {selector} contrast {ratio:.2f}"
    assert backgrounds["light"] != backgrounds["dark"]
    assert luminance(backgrounds["dark"]) < luminance(backgrounds["light"])
    tab.assert_clean()


def _colour(page: Page, selector: str, prop: str) -> tuple[int, int, int]:
    value = page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")
    red, green, blue = (int(part) for part in re.findall(r"\d+", value)[:3])
    return red, green, blue


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance."""
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Screenshots -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_fit_the_screen(tab: Tab, seed_site: Path, device: str, viewport: dict[str, int]) -> None:
    """Saves home and article pages in both schemes for review; fails on sideways scrolling."""
    SHOTS.mkdir(exist_ok=True)
    page = tab.page
    page.set_viewport_size(viewport)
    open_page(tab, seed_site, "index.html")
    article = page.locator(".article-list .p-name a").first.get_attribute("href") or ""
    for name, path in (("home", "index.html"), ("article", article)):
        open_page(tab, seed_site, path)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            shot = SHOTS / f"{name}-{device}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on {device}"
    tab.assert_clean()
