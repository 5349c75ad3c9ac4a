"""The news theme (issue 14) in a real browser, from disk (file://) and over the preview server's HTTP
(`chronique serve`'s handler): accessibility on every page type in both schemes, the phone header,
numbered pagination, folded teasers, the 404 page at depth, menu entries, no layout shift."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import test_browser
from chronique.server import EVENTS_PATH, Broadcaster, make_server
from test_browser import DESKTOP, PHONE, Tab
from test_theme import TEASERS, write_news

# The same Chromium setup as the other browser tests (one browser and one context for the module).
browser, context, tab = test_browser.browser, test_browser.context, test_browser.tab

PRESS_ARTICLE = "2024/10/un-article-de-presse-sur-le-tourisme.html"
PAGE_TYPES = [
    "index.html", "page/2.html", PRESS_ARTICLE, "2024/03/depeche-5-le-port-de-tanger.html", "tags.html",
    "tags/ports.html", "sources.html", "sources/journal-0.html", "archives.html", "2024/index.html",
    "2024/03/index.html", "search.html",
]
PHONE_HEADER_LIMIT = 120


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_news(tmp_path_factory.mktemp("news-browser"), config="taxonomy:\n  ports: [port]\n")


@pytest.fixture(scope="module")
def served(news: Path) -> Iterator[str]:
    """The site as `chronique serve` serves it (its 404 page included), without the rebuilds."""
    server = make_server(news, "127.0.0.1", 0, Broadcaster())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def open_file(tab: Tab, site: Path, path: str) -> None:
    tab.page.goto(site.joinpath(path).as_uri())
    expect(tab.page.locator("h1")).to_be_visible()


def serious_violations(tab: Tab) -> list[str]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python not installed")
    results = axe.Axe().run(tab.page)
    return [f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for violation in results.response["violations"] if violation["impact"] in ("serious", "critical")]


def failed_requests(tab: Tab) -> list[str]:
    """Failures but the live-reload stream's, which a page being left cancels."""
    return [failure for failure in tab.failed if EVENTS_PATH not in failure]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_page_type(tab: Tab, news: Path, served: str, scheme: str) -> None:
    tab.page.emulate_media(color_scheme=scheme)
    found = {}
    for path in PAGE_TYPES:
        open_file(tab, news, path)
        found[path] = serious_violations(tab)
    tab.page.goto(served + "no/such/page/here.html")
    found["404.html (served)"] = serious_violations(tab)
    assert {path: problems for path, problems in found.items() if problems} == {}
    # No assert_clean: axe reads stylesheets with requests that file:// refuses, which the console reports.


def test_the_phone_header_is_short_and_the_desktop_header_one_line(tab: Tab, news: Path) -> None:
    for viewport, limit in ((PHONE, PHONE_HEADER_LIMIT), (DESKTOP, 80)):
        tab.page.set_viewport_size(viewport)
        for path in PAGE_TYPES:
            open_file(tab, news, path)
            height = tab.page.eval_on_selector(".site-header", "e => e.getBoundingClientRect().height")
            assert height <= limit, f"{path}: header {height}px at {viewport['width']}px"
            overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
    tab.page.set_viewport_size(DESKTOP)
    tab.assert_clean()


def test_the_header_search_field_works_without_javascript(browser, news: Path) -> None:
    plain = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = plain.new_page()
        page.goto(news.joinpath(PRESS_ARTICLE).as_uri())
        page.locator(".site-header input[name=q]").fill("port")
        page.locator(".site-header button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/search\.html\?q=port$"))
    finally:
        plain.close()


def test_numbered_pagination_reaches_every_page(tab: Tab, news: Path) -> None:
    open_file(tab, news, "index.html")
    pager = tab.page.locator(".pager")
    expect(pager.locator("[aria-current=page]")).to_have_text("4")
    pager.get_by_role("link", name="Dernière page").click()
    expect(tab.page).to_have_url(re.compile(r"/page/1\.html$"))
    expect(tab.page.locator(".pager [aria-current=page]")).to_have_text("1")
    tab.page.locator(".pager").get_by_role("link", name="3", exact=True).click()
    expect(tab.page).to_have_url(re.compile(r"/page/3\.html$"))
    expect(tab.page.locator(".pager [aria-current=page]")).to_have_text("3")
    tab.page.locator(".pager").get_by_role("link", name="Première page").click()
    expect(tab.page).to_have_url(re.compile(r"/index\.html$"))
    expect(tab.page.locator("h1")).not_to_contain_text("Page")
    tab.assert_clean()


def test_teasers_are_folded_after_five(tab: Tab, news: Path) -> None:
    open_file(tab, news, PRESS_ARTICLE)
    teasers = tab.page.locator("section.teasers")
    expect(teasers.get_by_role("heading")).to_have_text("Sur Atlas Info")
    expect(teasers.locator("li:visible")).to_have_count(5)
    teasers.locator("summary").click()
    expect(teasers.locator("li:visible")).to_have_count(TEASERS + 1)
    tab.assert_clean()


@pytest.mark.parametrize("deep_path", ["missing.html", "2024/03/gone.html", "a/b/c/d/e/"])
def test_the_404_page_at_any_depth_loads_its_stylesheet(tab: Tab, served: str, deep_path: str) -> None:
    missing: list[str] = []  # what was answered 404, the page itself aside
    tab.page.on("response", lambda answer: answer.status >= 400 and answer.url != served + deep_path
                and missing.append(answer.url))
    response = tab.page.goto(served + deep_path)
    assert response is not None and response.status == 404
    expect(tab.page.locator("h1")).to_have_text("Page introuvable")
    # The stylesheet applies (the masthead's double rule) and every request succeeded.
    assert tab.page.eval_on_selector(".site-header", "e => getComputedStyle(e).borderBottomStyle") == "double"
    tab.page.wait_for_load_state("load")
    assert failed_requests(tab) == [] and missing == []
    assert [error for error in tab.errors if "status of 404" not in error] == []  # the page's own status aside
    home = tab.page.get_by_role("link", name="Retour à l’accueil")
    home.click()
    expect(tab.page).to_have_url(re.compile(r"/index\.html$"))


@pytest.fixture(scope="module")
def served_under_a_sub_path(news: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site published under /revue/ without base_url, by a server that answers any missing
    address with the site's 404.html, as GitHub Pages does for a project site."""
    root = tmp_path_factory.mktemp("host")
    (root / "revue").symlink_to(news)

    class Host(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            if code != 404:
                return super().send_error(code, message, explain)
            body = (news / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/revue/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("deep_path", ["2024/03/gone.html", "tags/gone/1.html", "page/99.html"])
def test_the_404_page_under_a_sub_path_without_base_url_finds_the_site(
    tab: Tab, served_under_a_sub_path: str, deep_path: str
) -> None:
    response = tab.page.goto(served_under_a_sub_path + deep_path)
    assert response is not None and response.status == 404
    assert tab.page.eval_on_selector(".site-header", "e => getComputedStyle(e).borderBottomStyle") == "double"
    assert failed_requests(tab) == []
    tab.page.get_by_role("link", name="Retour à l’accueil").click()
    expect(tab.page).to_have_url(served_under_a_sub_path + "index.html")
    expect(tab.page.locator(".site-title")).to_be_visible()


def test_no_menu_entry_leads_to_an_empty_page(tab: Tab, news: Path, served: str) -> None:
    for start in (news.joinpath("index.html").as_uri(), served + "2024/03/index.html"):
        tab.page.goto(start)
        targets = tab.page.locator(".site-nav a").evaluate_all("links => links.map(link => link.href)")
        assert len(targets) >= 3
        for target in targets:
            response = tab.page.goto(target)
            assert response is None or response.ok, target
            links = tab.page.locator("main a").count()
            assert links > 0, f"{target} shows nothing to follow"
    assert failed_requests(tab) == [] and tab.errors == []


def test_pages_read_without_javascript_and_do_not_shift(tab: Tab, news: Path) -> None:
    for path in ("index.html", PRESS_ARTICLE, "archives.html"):
        tab.page.add_init_script(
            "window.__shift = 0; new PerformanceObserver(list => { for (const entry of list.getEntries())"
            " if (!entry.hadRecentInput) window.__shift += entry.value; })"
            ".observe({type: 'layout-shift', buffered: true});"
        )
        open_file(tab, news, path)
        tab.page.wait_for_timeout(300)
        assert tab.page.evaluate("window.__shift") == 0, path
        assert tab.page.locator("script[src]").count() == 0, f"{path} needs no script"
    tab.assert_clean()
