"""search.html in a real browser (issue 12): the sharded index loaded on demand, matching, ranking,
excerpts, filters, paging and keyboard use, from disk (file://) and over HTTP.

Two kinds of sites: one with a small index written by hand here (`handmade_site`: the build's page and
scripts, its search/ folder replaced), so that each rule of search.js is checked against known postings;
and the seeds built by the real indexer, for what a reader does with them.
"""

from __future__ import annotations

import functools
import http.server
import json
import math
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, Request, expect

import test_browser
from chronique.text import fold
from conftest import SEEDS, build, write_article
from test_browser import Tab

# The same Chromium setup as the other browser tests (one browser and one context for the module).
browser, context, tab = test_browser.browser, test_browser.context, test_browser.tab

PAGE_SIZE = 20
DISPATCHES = 25  # "Dépêche n" articles of the hand-made index: more than a page of results.


# A hand-made index ------------------------------------------------------------------------------


# Words whose folding is easy to get wrong in JavaScript: ß, ligatures, a final sigma, a decomposed
# accent, Devanagari vowel signs (marks of combining class 0, which chronique.text.fold keeps).
HARD_WORDS = ("Straße", "Œuvre", "ΣΟΦΟΣ", "ﬁnance", "ǅemal", "e\u0301te\u0301", "हिंदी")


@dataclass(frozen=True)
class Doc:
    title: str
    year: int
    tags: tuple[str, ...]
    text: str
    terms: dict[str, tuple[str, int]]  # folded surface word -> (stem, q: 1..63, 0 for a stop word)
    url: str = ""  # default: YEAR/01/doc-N.html


def _handmade_docs() -> list[Doc]:
    """Oldest first, as the indexer numbers them."""
    docs = [
        Doc("Élection municipale à Rabat", 2022, ("politique",),
            "Les électeurs de Rabat ont voté dimanche pour une élection municipale très suivie.",
            {"election": ("elect", 50), "electeurs": ("elect", 30), "municipale": ("municipal", 38),
             "rabat": ("rabat", 38), "votent": ("vot", 22), "dimanche": ("dimanch", 15), "de": ("", 0)}),
        Doc("McDonald's ouvre à Casablanca", 2023, ("économie",),
            "Le groupe McDonald's ouvre un restaurant à Casablanca, son dixième au Maroc.",
            {"mcdonald": ("mcdonald", 50), "mcdonalds": ("mcdonald", 50), "s": ("", 0),
             "casablanca": ("casablanc", 45), "restaurant": ("restaur", 22), "maroc": ("maroc", 15)}),
        Doc("Emmanuel Macron en visite", 2024, ("diplomatie", "politique"),
            "Le président Macron est reçu à Rabat. La visite du président français dure deux jours.",
            {"macron": ("macron", 55), "president": ("president", 32), "visite": ("visit", 38),
             "rabat": ("rabat", 20), "emmanuel": ("emmanuel", 38), "de": ("", 0)}),
        Doc("Balise <img src=x onerror=window.__pwned=1> dans un titre", 2024, (),
            "Un texte avec <b>du balisage</b> et une balise <script>window.__pwned=2</script>.",
            {"balise": ("balis", 50), "balisage": ("balis", 22), "script": ("script", 15)}),
        *(Doc(f"Lien piégé {n}", 2024, (), "Un lien qui sort du site.", {"piege": ("pieg", 25)}, url)
          for n, url in enumerate([" javascript:window.__pwned=3", "\tjavascript:window.__pwned=4",
                                   "JavaScript:window.__pwned=5", "//example.org/x", "http://example.org/"])),
    ]
    docs.append(Doc("Mots difficiles", 2024, (), " ".join(HARD_WORDS),
                    {fold(word): (fold(word), 25) for word in HARD_WORDS}))
    for number in range(1, DISPATCHES + 1):
        # Titles with the word score more; among equals the newer wins.
        q = 50 if number % 5 == 0 else 25
        docs.append(Doc(f"Dépêche {number:02d}", 2024, ("dépêches",), f"Texte de la dépêche numéro {number}.",
                        {"depeche": ("depech", q), "texte": ("text", 12), "numero": ("numero", 12)}))
    return docs


HANDMADE = _handmade_docs()
# "ma" and "mc" are split out of "m": a word belongs to the longest listed prefix that starts it.
PREFIXES = sorted({"#", "b", "c", "d", "e", "m", "ma", "mc", "n", "p", "r", "s", "t", "v", "z"}
                  | {fold(word)[0] for word in HARD_WORDS})


def _safe(prefix: str) -> str:
    return "".join(chr(b) if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789" else f"_{b:02x}"
                   for b in prefix.encode())


DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def encode_postings(postings: list[tuple[int, int]]) -> str:
    """(document id, q) pairs, ids ascending, as the index writes them: per document its id's delta in
    base-32 digits, most significant first, each but the last + 32, then q in one digit of base64url."""
    text, previous = "", 0
    for number, q in postings:
        delta, digits = number - previous, []
        while True:
            digits.insert(0, delta % 32 + (32 if digits else 0))
            delta //= 32
            if not delta:
                break
        text += "".join(DIGITS[digit] for digit in [*digits, q])
        previous = number
    return text


def _script(key: str, data: object) -> str:
    return f"CHRONIQUE_SEARCH.add({json.dumps(key)},{json.dumps(data, ensure_ascii=False)});\n"


def write_handmade_index(folder: Path, docs: list[Doc], prefixes: list[str], version: int = 2) -> None:
    """The index format of the project's notes for issue 12, from hand-written terms."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "t").mkdir(parents=True)
    postings: dict[str, list[tuple[int, int]]] = {}
    words: dict[str, str] = {}
    for number, doc in enumerate(docs):
        terms = dict(doc.terms) | {f"#{tag.lower().replace('é', 'e').replace('ê', 'e')}": (
            f"#{tag.lower().replace('é', 'e').replace('ê', 'e')}", 1) for tag in doc.tags}
        for surface, (stem, q) in terms.items():
            words[surface] = stem
            if stem:
                postings.setdefault(stem, []).append((number, q))
    shards: dict[str, dict[str, dict[str, object]]] = {p: {"words": {}, "stems": {}} for p in prefixes}
    for surface, stem in words.items():
        prefix = max((p for p in prefixes if surface.startswith(p)), key=len)
        shards[prefix]["words"][surface] = stem
        if stem:
            shards[prefix]["stems"][stem] = encode_postings(postings[stem])
    for prefix, shard in shards.items():
        (folder / "t" / f"{_safe(prefix)}.js").write_text(_script(f"t/{_safe(prefix)}", shard), "utf-8")
    numbers = {year: [i for i, doc in enumerate(docs) if doc.year == year] for year in sorted({d.year for d in docs})}
    meta = {
        "version": version, "count": len(docs), "shards": prefixes, "docs_per_chunk": 10, "language": "fr",
        "scale": 25, "k1": 1.2, "b": 0.75, "years": [[year, ids[0], ids[-1]] for year, ids in numbers.items()],
    }
    (folder / "meta.js").write_text(_script("meta", meta), "utf-8")
    for number, doc in enumerate(docs):
        chunk = folder / "d" / str(number // 10)
        chunk.mkdir(parents=True, exist_ok=True)
        fragment = {"t": doc.title, "u": doc.url or f"{doc.year}/01/doc-{number}.html", "d": f"1er janvier {doc.year}",
                    "y": f"{doc.year}-01-01", "s": "Agence", "g": list(doc.tags), "x": doc.text}
        (chunk / f"{number}.js").write_text(_script(f"d/{number // 10}/{number}", fragment), "utf-8")


def _site_with_handmade_index(
    root: Path, language: str, docs: list[Doc] = HANDMADE, prefixes: list[str] = PREFIXES, version: int = 2
) -> Path:
    content = root / "articles"
    write_article(content, "one.md", "Un article", "2024-01-01", "Du texte.")
    (root / "site.yaml").write_text(f"title: Essai\nlanguage: {language}\ntags:\n  entities: false\n", "utf-8")
    build(content, root / "site")
    write_handmade_index(root / "site" / "search", docs, prefixes, version)
    return root / "site"


@pytest.fixture(scope="module")
def handmade_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site_with_handmade_index(tmp_path_factory.mktemp("handmade"), "fr")


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site_with_handmade_index(tmp_path_factory.mktemp("handmade-en"), "en")


# Helpers -----------------------------------------------------------------------------------------


def open_search(tab: Tab, site: Path | str, query: str = "") -> None:
    """Opens search.html (from disk or a server) and waits until the status line has its say."""
    base = site if isinstance(site, str) else site.joinpath("search.html").as_uri()
    tab.page.goto(base + (f"?{query}" if query else ""))
    expect(tab.page.locator("#search-status")).not_to_be_empty()


def status(page: Page) -> str:
    return page.locator("#search-status").inner_text()


def titles(page: Page) -> list[str]:
    return page.locator("#search-results > li .p-name a").all_inner_texts()


def marks(page: Page) -> list[str]:
    return page.locator("#search-results mark").all_inner_texts()


@dataclass
class Loads:
    """The index files a page requested, by key (t/ma, d/0/3...)."""

    keys: list[str]

    def __call__(self, request: Request) -> None:
        found = re.search(r"/search/(.+)\.js$", request.url)
        if found:
            self.keys.append(found[1])

    def shards(self) -> list[str]:
        return [key for key in self.keys if key.startswith("t/")]

    def fragments(self) -> list[str]:
        return [key for key in self.keys if key.startswith("d/")]


def watch_loads(tab: Tab) -> Loads:
    loads = Loads([])
    tab.page.on("request", loads)
    return loads


# Matching ----------------------------------------------------------------------------------------


def test_a_word_finds_its_stem_and_an_unused_inflection_falls_back_to_it(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=électeurs")  # a surface word: its stem "elect" also holds "election"
    assert titles(tab.page) == ["Élection municipale à Rabat"]
    assert set(marks(tab.page)) == {"Élection", "électeurs", "élection"}
    open_search(tab, handmade_site, "q=ELECTIONS")  # never written: the longest stem that starts it
    assert titles(tab.page) == ["Élection municipale à Rabat"]
    assert status(tab.page) == "1 résultat pour « ELECTIONS »"
    tab.assert_clean()


def test_the_query_is_folded_as_the_index_was(tab: Tab, handmade_site: Path) -> None:
    for word in HARD_WORDS:
        for typed in (word, word.upper()):
            open_search(tab, handmade_site, "q=" + quote(typed))
            assert titles(tab.page) == ["Mots difficiles"], typed
    tab.assert_clean()


def test_a_name_typed_without_its_apostrophe_is_found_and_highlighted(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=mcdonalds")
    assert titles(tab.page) == ["McDonald's ouvre à Casablanca"]
    assert marks(tab.page) == ["McDonald's", "McDonald's"]  # title and excerpt, the whole name marked
    tab.assert_clean()


def test_a_typo_searches_the_closest_word_and_says_so(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=macorn")  # two letters swapped: one edit
    assert titles(tab.page) == ["Emmanuel Macron en visite"]
    assert status(tab.page) == "1 résultat pour « macron »"
    expect(tab.page.locator("#search-note")).to_contain_text("« macorn »")
    open_search(tab, handmade_site, "q=casablanka")  # a long word: up to two edits
    assert titles(tab.page) == ["McDonald's ouvre à Casablanca"]
    tab.assert_clean()


def test_the_word_being_typed_is_completed_but_not_a_finished_query(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=casab")
    expect(tab.page.locator("#search-status")).to_have_text("Aucun article ne correspond à « casab ».")
    tab.page.locator("#search-q").fill("")
    tab.page.locator("#search-q").press_sequentially("casab", delay=30)
    expect(tab.page.locator("#search-status")).to_have_text("1 résultat pour « casab »")
    expect(tab.page).to_have_url(re.compile(r"search\.html\?q=casab$"))
    assert marks(tab.page) == ["Casablanca", "Casablanca"]
    tab.assert_clean()


def test_quoted_phrases_are_checked_on_the_text(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, 'q="président Macron"')
    assert titles(tab.page) == ["Emmanuel Macron en visite"]
    open_search(tab, handmade_site, 'q="Macron président"')  # both words there, not in this order
    expect(tab.page.locator("#search-status")).to_have_text(re.compile("^Aucun article ne correspond"))
    assert titles(tab.page) == []
    tab.assert_clean()


def test_all_words_first_else_the_most_of_them(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=rabat macron")
    assert titles(tab.page) == ["Emmanuel Macron en visite"]
    expect(tab.page.locator("#search-note")).to_be_hidden()
    open_search(tab, handmade_site, "q=rabat macron restaurant")  # no article has all three
    assert titles(tab.page) == ["Emmanuel Macron en visite", "Élection municipale à Rabat",
                                "McDonald's ouvre à Casablanca"]
    expect(tab.page.locator("#search-note")).to_have_text(re.compile("tous ces mots"))
    tab.assert_clean()


def test_stop_words_are_not_required(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=visite de macron")
    assert titles(tab.page) == ["Emmanuel Macron en visite"]
    expect(tab.page.locator("#search-note")).to_be_hidden()
    tab.assert_clean()


# Ranking, paging, loading ------------------------------------------------------------------------


def test_results_load_as_they_come_on_screen_twenty_a_page_ranked_then_newest(tab: Tab, handmade_site: Path) -> None:
    loads = watch_loads(tab)
    open_search(tab, handmade_site, "q=depeche")
    assert status(tab.page) == f"{DISPATCHES} résultats pour « depeche »"
    shown = titles(tab.page)
    boosted = [f"Dépêche {n:02d}" for n in range(DISPATCHES, 0, -1) if n % 5 == 0]
    assert shown[: len(boosted)] == boosted
    assert shown[len(boosted)] == f"Dépêche {DISPATCHES - 1:02d}"
    # Only the results on screen (and a little below) cost a fragment.
    assert len(boosted) < len(shown) < PAGE_SIZE
    assert loads.shards() == ["t/d"]
    assert len(loads.fragments()) == len(shown)
    expect(tab.page.locator("#search-more")).to_be_hidden()

    # Scrolling down brings the rest of the page, in rank order; then the button offers the next one.
    items = tab.page.locator("#search-results > li")
    for _ in range(PAGE_SIZE):
        if items.count() == PAGE_SIZE:
            break
        tab.page.mouse.wheel(0, 2000)
        tab.page.wait_for_timeout(50)
    expect(items).to_have_count(PAGE_SIZE)
    assert titles(tab.page)[: len(shown)] == shown
    expect(tab.page.locator("#search-more")).to_be_visible()
    assert len(loads.fragments()) == PAGE_SIZE

    tab.page.locator("#search-more").click()
    expect(items).to_have_count(DISPATCHES)
    expect(items.nth(PAGE_SIZE).locator(".p-name a")).to_be_focused()
    expect(tab.page.locator("#search-more")).to_be_hidden()
    assert len(loads.fragments()) == DISPATCHES
    assert len(set(titles(tab.page))) == DISPATCHES
    tab.assert_clean()


def test_shards_are_loaded_once_and_by_the_longest_prefix(tab: Tab, handmade_site: Path) -> None:
    loads = watch_loads(tab)
    open_search(tab, handmade_site)
    assert loads.keys == ["meta"]
    box = tab.page.locator("#search-q")
    box.fill("macron")
    expect(tab.page.locator("#search-results > li")).to_have_count(1)
    box.fill("mcdonalds")
    expect(tab.page.locator("#search-status")).to_have_text("1 résultat pour « mcdonalds »")
    box.fill("macron")
    expect(tab.page.locator("#search-status")).to_have_text("1 résultat pour « macron »")
    assert loads.shards() == ["t/ma", "t/mc"]
    assert loads.fragments() == ["d/0/2", "d/0/1"]
    tab.assert_clean()


# Results -----------------------------------------------------------------------------------------


def test_a_result_shows_title_link_date_source_tags_and_excerpt(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=macron")
    result = tab.page.locator("#search-results > li")
    expect(result.locator(".p-name a")).to_have_attribute("href", "2024/01/doc-2.html")
    expect(result.locator("time")).to_have_attribute("datetime", "2024-01-01")
    expect(result.locator(".meta")).to_have_text("1er janvier 2024 · Agence")
    expect(result.locator(".tags button")).to_have_text(["diplomatie", "politique"])
    expect(result.locator(".search-excerpt")).to_have_text(
        "Le président Macron est reçu à Rabat. La visite du président français dure deux jours."
    )
    tab.assert_clean()


def test_index_text_reaches_the_page_as_text(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=balise")
    result = tab.page.locator("#search-results > li")
    expect(result).to_have_count(1)
    expect(result.locator("img, script, b")).to_have_count(0)
    expect(result.locator(".search-excerpt")).to_contain_text("<b>du balisage</b>")
    assert tab.page.evaluate("window.__pwned") is None

    open_search(tab, handmade_site, "q=piege")  # links out of the site, or to script, are left out
    expect(tab.page.locator("#search-results .p-name a")).to_have_count(5)
    hrefs = tab.page.locator("#search-results .p-name a").evaluate_all("links => links.map(a => a.href)")
    assert [href for href in hrefs if href and not href.startswith(handmade_site.as_uri() + "/")] == []
    tab.page.locator("#search-results .p-name a").first.click()
    assert tab.page.evaluate("window.__pwned") is None
    tab.assert_clean()


def test_filters_by_year_and_tag_are_kept_in_the_address(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site, "q=rabat")
    assert len(titles(tab.page)) == 2
    year = tab.page.locator("#search-year")
    expect(year.locator("option")).to_have_text(["Toutes les années", "2024 (1)", "2022 (1)"])
    year.select_option("2022")
    expect(tab.page.locator("#search-results > li")).to_have_count(1)
    assert titles(tab.page) == ["Élection municipale à Rabat"]
    expect(tab.page).to_have_url(re.compile(r"\?q=rabat&year=2022$"))
    year.select_option("")

    expect(tab.page.locator("#search-results > li")).to_have_count(2)
    tab.page.locator("#search-results .tags button", has_text="diplomatie").click()
    expect(tab.page.locator("#search-results > li")).to_have_count(1)
    expect(tab.page.locator("#search-tag")).to_have_value("diplomatie")
    expect(tab.page).to_have_url(re.compile(r"\?q=rabat&tag=diplomatie$"))
    open_search(tab, handmade_site, "q=rabat&tag=politique&year=2024")  # a bookmark with its filters
    assert titles(tab.page) == ["Emmanuel Macron en visite"]
    tab.assert_clean()


def test_status_and_empty_states(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site)
    # Interface strings have the typographic apostrophe.
    expect(tab.page.locator("#search-status")).to_have_text("Saisissez des mots pour chercher dans l’archive.")
    expect(tab.page.locator("#search-status")).to_have_attribute("aria-live", "polite")
    open_search(tab, handmade_site, "q=zzqxw")
    expect(tab.page.locator("#search-status")).to_have_text("Aucun article ne correspond à « zzqxw ».")
    expect(tab.page.locator("#search-filters")).to_be_hidden()
    tab.assert_clean()


def test_postings_with_gaps_of_several_digits_are_read(tab: Tab, tmp_path: Path) -> None:
    # Documents 0, 40 and 1100 share a word: gaps of two and three digits (32 and 1024 and more).
    docs = [Doc(f"Remplissage {n}", 2024, (), "Rien.", {"remplissage": ("rempliss", 10)}) for n in range(1101)]
    for number, place in ((0, "nord"), (40, "est"), (1100, "sud")):
        docs[number] = Doc(f"Frontière {place}", 2024, (), "La frontière.", {"frontiere": ("frontier", 20)})
    site = _site_with_handmade_index(tmp_path, "fr", docs, ["f", "r"])
    open_search(tab, site, "q=frontière")
    assert titles(tab.page) == ["Frontière sud", "Frontière est", "Frontière nord"]  # equal scores: newest first
    tab.assert_clean()


def test_many_matches_come_in_full_rank_order_page_after_page(tab: Tab, tmp_path: Path) -> None:
    # More matches than the first pick of best ones (search.js sorts only as far as the reader goes).
    matching, others = 130, 30
    docs = [Doc(f"Vague {n:03d}", 2024, (), "La vague.", {"vague": ("vagu", 1 + n * 37 % 63)}) for n in range(matching)]
    docs += [Doc(f"Calme {n}", 2024, (), "Le calme.", {"calme": ("calm", 10)}) for n in range(others)]
    site = _site_with_handmade_index(tmp_path, "fr", docs, ["c", "v"])
    # The browser's score, in the same floating-point steps (meta: scale 25; recency 0.05 for the newest).
    count = len(docs)
    factor = math.log(1 + (count - matching + 0.5) / (matching + 0.5)) / 25
    score = {n: factor * (1 + n * 37 % 63) + 0.05 * n / (count - 1) for n in range(matching)}
    expected = [f"Vague {n:03d}" for n in sorted(score, key=lambda n: (-score[n], -n))]

    tab.page.set_viewport_size({"width": 1280, "height": 30000})  # every page of results on screen at once
    try:
        open_search(tab, site, "q=vague")
        more = tab.page.locator("#search-more")
        for shown in range(PAGE_SIZE, matching, PAGE_SIZE):
            expect(tab.page.locator("#search-results > li")).to_have_count(shown)
            more.click()
        expect(tab.page.locator("#search-results > li")).to_have_count(matching)
        assert titles(tab.page) == expected
    finally:
        tab.page.set_viewport_size(test_browser.DESKTOP)
    tab.assert_clean()


def test_an_index_of_another_version_is_not_read(tab: Tab, tmp_path: Path) -> None:
    site = _site_with_handmade_index(tmp_path, "fr", version=1)
    loads = watch_loads(tab)
    open_search(tab, site, "q=macron")
    expect(tab.page.locator("#search-status")).to_have_text("Aucun article ne correspond à « macron ».")
    assert titles(tab.page) == [] and loads.shards() == [] and loads.fragments() == []
    tab.assert_clean()


def test_english_interface(tab: Tab, english_site: Path) -> None:
    open_search(tab, english_site, "q=macorn")
    expect(tab.page.locator("#search-status")).to_have_text("1 result for “macron”")
    open_search(tab, english_site, "q=depeche")
    expect(tab.page.locator("#search-status")).to_have_text(f"{DISPATCHES} results for “depeche”")
    expect(tab.page.locator("#search-more")).to_have_text("More results")
    tab.assert_clean()


# Keyboard ----------------------------------------------------------------------------------------


def test_keyboard_enter_tab_and_arrows(tab: Tab, handmade_site: Path) -> None:
    open_search(tab, handmade_site)
    page = tab.page
    page.locator("#search-q").focus()
    page.keyboard.type("rabat")
    page.keyboard.press("Enter")
    expect(page.locator("#search-results > li")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"search\.html\?q=rabat$"))
    links = page.locator("#search-results .p-name a")
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#search-q")).to_be_focused()
    for _ in range(8):  # the button and the filters, then the first result
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    expect(links.nth(0)).to_be_focused()
    tab.assert_clean()


def test_without_javascript_the_header_form_leads_to_the_search_page(browser: Browser, handmade_site: Path) -> None:
    plain = browser.new_context(java_script_enabled=False)
    try:
        page = plain.new_page()
        page.goto(handmade_site.joinpath("index.html").as_uri())
        page.locator("#search-q").fill("rabat")
        page.locator("#search-q").press("Enter")
        expect(page).to_have_url(re.compile(r"/search\.html\?q=rabat$"))
        # Playwright turns scripts off but not the parser's scripting flag, so <noscript> stays raw text here.
        assert page.locator("#search-status noscript").text_content() == "La recherche demande JavaScript."
    finally:
        plain.close()


# The seeds, indexed by the build ----------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Requests are counted by the browser side; the test output stays readable."""

    def do_GET(self) -> None:
        # Chromium asks every server for a favicon; the site has none, and a 404 would be a console error.
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
        else:
            super().do_GET()


@pytest.fixture(scope="module")
def served_seeds(seed_site: Path) -> Iterator[str]:
    """The built seeds over HTTP on 127.0.0.1, where a published archive would be."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=seed_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/search.html"
    server.shutdown()
    server.server_close()


def shard_prefix(site: Path, word: str) -> str:
    """The term shard `word` belongs to, as search.js picks it: the longest listed prefix."""
    meta = json.loads(re.search(r"add\(\"meta\",(.*)\);", (site / "search" / "meta.js").read_text())[1])
    return max((prefix for prefix in meta["shards"] if word.startswith(prefix)), key=len)


def test_seeds_migrations_finds_the_migration_articles_with_highlights(tab: Tab, seed_site: Path) -> None:
    loads = watch_loads(tab)
    open_search(tab, seed_site, "q=migrations")
    found = titles(tab.page)
    assert any(title.startswith("Migration – Frontex") for title in found), found
    assert any("migration" in title and title.startswith("Maroc-France") for title in found), found
    assert {mark.lower() for mark in marks(tab.page)} >= {"migration", "migrations"}
    assert status(tab.page) == f"{len(found)} résultats pour « migrations »"
    assert loads.shards() == [f"t/{shard_prefix(seed_site, 'migrations')}"]
    assert len(loads.fragments()) == len(found)
    tab.assert_clean()


def test_seeds_accents_case_and_typos(tab: Tab, seed_site: Path) -> None:
    for query in ("securite", "SÉCURITÉ"):
        open_search(tab, seed_site, f"q={query}")
        assert any("sécurité" in title.lower() for title in titles(tab.page)), query
        assert "sécurité" in {mark.lower() for mark in marks(tab.page)}
    open_search(tab, seed_site, "q=retailau")
    assert status(tab.page) == "1 résultat pour « retailleau »"
    assert "Retailleau" in marks(tab.page)
    open_search(tab, seed_site, "q=hammouchi cazeneuv")  # a name, and a name cut short
    assert [title.startswith("Réunion de travail") for title in titles(tab.page)] == [True]
    tab.assert_clean()


def test_seeds_an_elision_typed_without_its_apostrophe(tab: Tab, seed_site: Path) -> None:
    # The index keeps no joined form of « l'Afrique » (it would make « d'une » a « dune »).
    for query, word in (("lafrique", "afrique"), ("linterieur", "interieur"), ("DAFRIQUE", "afrique")):
        open_search(tab, seed_site, f"q={query}")
        assert titles(tab.page), query
        assert word in {fold(mark) for mark in marks(tab.page)}, query
        expect(tab.page.locator("#search-note")).to_be_hidden()  # not a correction: the word itself
    open_search(tab, seed_site, "q=lxyzw")  # an l before a word the archive lacks is still nothing
    assert titles(tab.page) == []
    tab.assert_clean()


def test_seeds_from_the_header_to_an_article_by_keyboard(tab: Tab, seed_site: Path) -> None:
    page = tab.page
    page.goto(seed_site.joinpath("index.html").as_uri())
    page.locator("#search-q").focus()
    page.keyboard.type("frontex")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\.html\?q=frontex$"))
    expect(page.locator("#search-status")).to_have_text("1 résultat pour « frontex »")
    expect(page.locator("#search-q")).to_have_value("frontex")
    title = titles(page)[0]
    page.locator("#search-q").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/2023/12/[^/]+\.html$"))
    expect(page.locator("h1")).to_have_text(title)
    tab.assert_clean()


def test_seeds_results_follow_the_typing(tab: Tab, seed_site: Path) -> None:
    open_search(tab, seed_site)
    tab.page.locator("#search-q").press_sequentially("coopér", delay=40)
    expect(tab.page.locator("#search-status")).to_have_text(re.compile(r"^3 résultats pour « coopér »$"))
    expect(tab.page).to_have_url(re.compile(r"\?q=coop%C3%A9r$"))
    tab.page.locator("#search-q").press_sequentially(" zerouali", delay=40)
    expect(tab.page.locator("#search-status")).to_have_text("1 résultat pour « coopér zerouali »")
    tab.assert_clean()


def test_seeds_over_http(tab: Tab, served_seeds: str) -> None:
    loads = watch_loads(tab)
    missing: list[str] = []
    tab.page.on("response", lambda response: response.status >= 400 and missing.append(response.url))
    open_search(tab, served_seeds, "q=migrations")
    assert len(titles(tab.page)) >= 2
    assert marks(tab.page)
    open_search(tab, served_seeds, "q=frontx")
    assert status(tab.page) == "1 résultat pour « frontex »"
    assert "meta" in loads.keys and len(loads.shards()) == 2
    assert missing == [] and tab.errors == [] and tab.failed == [], missing


def test_a_rebuild_after_adding_an_article_makes_it_findable(tab: Tab, tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    build(tmp_path / "seeds", tmp_path / "site")
    open_search(tab, tmp_path / "site", "q=mcdonalds")
    expect(tab.page.locator("#search-status")).to_have_text("Aucun article ne correspond à « mcdonalds ».")

    write_article(tmp_path / "seeds", "mcdonalds.md", "McDonald's ouvre un restaurant à Rabat", "2025-02-03",
                  "Le groupe McDonald's ouvre à Rabat son cinquantième restaurant au Maroc.")
    build(tmp_path / "seeds", tmp_path / "site")
    open_search(tab, tmp_path / "site", "q=mcdonalds")
    assert titles(tab.page) == ["McDonald's ouvre un restaurant à Rabat"]
    assert marks(tab.page) == ["McDonald's", "McDonald's"]
    open_search(tab, tmp_path / "site", "q=restaurants marocains")  # an inflection, and two words at once
    assert titles(tab.page)[0] == "McDonald's ouvre un restaurant à Rabat"
    tab.assert_clean()


def test_axe_finds_no_violation_on_the_search_page(tab: Tab, seed_site: Path) -> None:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python not installed")
    open_search(tab, seed_site, "q=migrations")
    results = axe.Axe().run(tab.page)
    assert results.violations_count == 0, results.generate_report()


def test_search_page_fits_a_phone_and_marks_keep_their_contrast(tab: Tab, seed_site: Path) -> None:
    page = tab.page
    page.set_viewport_size(test_browser.PHONE)
    open_search(tab, seed_site, "q=cooperation securite")
    expect(page.locator("#search-results mark").first).to_be_visible()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours = [test_browser._colour(page, "#search-results mark", prop) for prop in ("color", "backgroundColor")]
        assert test_browser.contrast(*colours) >= 4.5, scheme
        test_browser.SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(test_browser.SHOTS / f"search-phone-{scheme}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    tab.assert_clean()
