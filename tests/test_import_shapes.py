"""Content of other generators and of saved news pages: Jekyll and Hugo front matter and template
code, Pelican headers, press datelines and cross-link boilerplate, undated articles, and articles
in another language than the site's (issue 15)."""

from __future__ import annotations

import os
import shutil
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from chronique.build import BuildRequest, build_site
from chronique.config import load_config
from chronique.load import load_archive, read_article
from chronique.load.dates import parse_date
from chronique.load.sitelinks import resolve_site_links
from chronique.model import Article, InputError

PLUS_ONE = timezone(timedelta(hours=1))


def put(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(content).lstrip("\n"), "utf-8")
    return path


def read(relative: str, content: str, **options: object) -> Article:
    return read_article(Path(relative), textwrap.dedent(content).lstrip("\n").encode(), **options)  # type: ignore[arg-type]


def by_origin(root: Path, **options: object) -> tuple[dict[str, Article], list[str], list[str]]:
    """Articles by file name, the warnings and the problems (as `path:line: message`, path relative)."""
    loaded = load_archive(root, **options)  # type: ignore[arg-type]
    articles = {article.origin.as_posix(): article for article in loaded.articles}
    shown = [str(item).removeprefix(f"{root}/") for item in loaded.warnings]
    return articles, shown, [str(item).removeprefix(f"{root}/") for item in loaded.problems]


def build(root: Path, **options: object) -> Path:
    build_site(BuildRequest(content=root / "content", output=root / "site", cwd=root, **options))  # type: ignore[arg-type]
    return root / "site"


# --- 1. Jekyll and Hugo dates -------------------------------------------------------------------

# Checked against Ruby 3.1's Time.parse, which Jekyll runs on a front-matter date YAML leaves as text
# (the day and time agree; Ruby ignores a zone after a repeated year, Chronique keeps it). Read before
# too: "2016-03-02 10:00:00 +0100", "March 2, 2016".
RUBY_DATES = [
    ("2016-03-02 10:00:00 2016 +0100", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),
    ("2016-03-02 10:00 2016 +01:00", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),
    ("2016-03-02 10:00:00 UTC", datetime(2016, 3, 2, 10, tzinfo=UTC)),
    ("2016-03-02 10:00:00 GMT+0100", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),
    ("Wed Mar 02 10:00:00 2016 +0100", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),
    ("Wed Mar 02 10:00:00 +0100 2016", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),  # Ruby 1.8's Time#to_s
    ("2016-03-02 10:00:00 2017 +0100", datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)),  # Ruby ignores that year too
    ("March 2, 2016 10:30 pm", datetime(2016, 3, 2, 22, 30)),
    ("2 mars 2016 à 10:00", datetime(2016, 3, 2, 10)),
    ("2016/03/02", date(2016, 3, 2)),
    ("2016/03/02 10:00:05.5", datetime(2016, 3, 2, 10, 0, 5, 500000)),
]


@pytest.mark.parametrize(("text", "expected"), RUBY_DATES)
def test_dates_as_ruby_time_parse_reads_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_dates_with_a_time_refused_say_why() -> None:
    for text, message in [
        ("Wed Mar 02 10:00:00", "unrecognised date 'Wed Mar 02 10:00:00'"),
        ("Wed Mar 02 10:00:00 2016 +0100 2016", "unrecognised date"),
        ("2016-02-30 10:00 2016 +0100", "impossible date '2016-02-30 10:00 2016 \\+0100'"),
        ("2016-03-02 25:00", "impossible date"),
        ("March 2, 2016 13:00 pm", "impossible date"),
        ("someday 10:00", "unrecognised date 'someday 10:00'"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_date(text)


def test_a_front_matter_date_it_cannot_read_falls_back_to_the_file_name_with_a_warning(tmp_path: Path) -> None:
    put(tmp_path, "_posts/2016-03-02-hello.md", """
        ---
        title: Hello
        date: the second of March
        ---
        Text.
        """)
    put(tmp_path, "other.md", "---\ntitle: Other\ndate: the second of March\n---\nText.\n")
    articles, warnings, problems = by_origin(tmp_path)
    assert articles["_posts/2016-03-02-hello.md"].date == date(2016, 3, 2)
    assert warnings == ["_posts/2016-03-02-hello.md:3: unrecognised date 'the second of March': expected YYYY-MM-DD "
                        "(optionally with a time and zone), DD/MM/YYYY, DD.MM.YYYY, '30 octobre 2024' or 'March 2, "
                        "2016'; dated 2016-03-02 by the file name instead"]
    assert problems == ["other.md:3: unrecognised date 'the second of March': expected YYYY-MM-DD (optionally with "
                        "a time and zone), DD/MM/YYYY, DD.MM.YYYY, '30 octobre 2024' or 'March 2, 2016'"]


# --- 1. Liquid and Hugo shortcodes ---------------------------------------------------------------

JEKYLL_POST = """
    ---
    layout: post
    title: "First post"
    date: 2016-03-02 10:00:00 2016 +0100
    ---
    Hello from [the second]({% post_url 2016-03-05-second %}), [home]({{ site.url }}{{ site.baseurl }}/)
    and [the logo]({{ "/2016/03/second.html" | relative_url }}).

    {% include note.html title="x" %}

    {% for post in site.posts %}
    * {{ post.title }}
    {% endfor %}

    {% highlight ruby %}
    puts 1
    {% endhighlight %}

    {% comment %}
    a note
    {% endcomment %}
    {% raw %}Typed {{ braces }}{% endraw %} and [docs](/docs/x) and [old](/2016/03/05/second.html#top).
    """


def test_liquid_is_resolved_or_left_out_with_a_warning_naming_its_line(tmp_path: Path) -> None:
    put(tmp_path, "_posts/2016-03-02-first.md", JEKYLL_POST)
    put(tmp_path, "_posts/2016-03-05-second.md", """
        ---
        title: Second
        ---
        Back to [the first]({% link _posts/2016-03-02-first.md %}) and [nowhere]({% post_url 2001-01-01-gone %}).
        """)
    articles, warnings, _ = by_origin(tmp_path)
    first = articles["_posts/2016-03-02-first.md"]
    assert first.date == datetime(2016, 3, 2, 10, tzinfo=PLUS_ONE)
    assert '<a href="second.html"' in first.body_html
    assert '<a href="../../index.html"' in first.body_html
    assert first.body_html.count('href="second.html"') == 2
    assert '<a href="second.html#top"' in first.body_html
    assert "<pre><code>puts 1\n</code></pre>" in first.body_html
    assert "Typed {{ braces }}" in first.text
    assert "{%" not in first.body_html and "site." not in first.body_html and "a note" not in first.text
    second = articles["_posts/2016-03-05-second.md"]
    assert '<a href="first.html"' in second.body_html
    assert warnings == [
        "_posts/2016-03-02-first.md:9: template code '{% include note.html title=\"x\" %}' left out of the text "
        "(Chronique runs none)",
        "_posts/2016-03-02-first.md:11: template code '{% for post in site.posts %}' left out of the text (Chronique "
        "runs none)",
        "_posts/2016-03-02-first.md:12: template code '{{ post.title }}' left out of the text (Chronique runs none)",
        "_posts/2016-03-02-first.md:13: template code '{% endfor %}' left out of the text (Chronique runs none)",
        "_posts/2016-03-02-first.md:22: root-relative link '/docs/x' names no article of the archive: it breaks when "
        "the site is opened from its files or from a sub-path",
        "_posts/2016-03-05-second.md:4: root-relative link '/_posts/2001-01-01-gone' names no article of the "
        "archive: it breaks when the site is opened from its files or from a sub-path",
    ]


def test_hugo_shortcodes_are_left_out_with_a_warning_and_refs_resolved(tmp_path: Path) -> None:
    put(tmp_path, "posts/one.md", """
        +++
        title = "One"
        date = 2016-03-02T10:00:00+01:00
        lang = "en"
        +++
        See {{< ref "posts/two.md" >}} or [two]({{< relref "two" >}}).

        {{< figure src="/img/x.png" title="A figure" >}}

        {{% notice tip %}}
        Kept text.
        {{% /notice %}}

        {{< highlight go >}}
        fmt.Println(1)
        {{< /highlight >}}
        """)
    put(tmp_path, "posts/two.md", "+++\ntitle = \"Two\"\ndate = 2016-03-03\nurl = \"/two/\"\n+++\nText.\n")
    articles, warnings, _ = by_origin(tmp_path)
    one = articles["posts/one.md"]
    assert '<a href="two.html"' in one.body_html
    assert one.text.startswith("See /posts/two.md or two.")  # a reference outside a link is its path
    assert "Kept text." in one.text and "fmt.Println(1)" in one.text
    assert "{{" not in one.body_html
    assert [warning.split(": ", 1) for warning in warnings] == [
        ["posts/one.md:8", "template code '{{< figure src=\"/img/x.png\" title=\"A figure\" >}}' left out of the "
                           "text (Chronique runs none)"],
        ["posts/one.md:10", "template code '{{% notice tip %}}' left out of the text (Chronique runs none)"],
        ["posts/one.md:12", "template code '{{% /notice %}}' left out of the text (Chronique runs none)"],
    ]


def test_root_relative_links_to_archive_pages_become_relative_in_the_built_site(tmp_path: Path) -> None:
    put(tmp_path, "content/a.md", "---\ntitle: A\ndate: 2016-03-02\npermalink: /blog/a-post/\n---\nText a.\n")
    put(tmp_path, "content/b.md", "---\ntitle: B\ndate: 2017-01-02\n---\nSee [a](/blog/a-post/) and "
                                  "[the same](/2016/03/a-post.html) and <a href=\"/missing\">that</a>.\n")
    site = build(tmp_path)
    page = (site / "2017/01/b.html").read_text()
    body = page.split('class="e-content"', 1)[1].split("</div>", 1)[0]
    assert body.count('href="../../2016/03/a-post.html"') == 2
    assert 'href="/missing"' in body  # warned about, not guessed


# --- 2. Pelican and slugs -----------------------------------------------------------------------

PELICAN = """
    Title: Mac OS X 10.8 notes
    Date: 2012-07-25 10:20
    Modified: 2012-07-26 19:30
    Category: Systems
    Tags: mac, release
    Slug: mac-os-x-10.8
    Authors: Alexis Métaireau, Conference Staff
    Summary: A **short** version with [a link](http://example.org)
        on two lines.
    Status: published

    The body, with **bold**.
    """


def test_pelican_headers_keep_slug_category_authors_and_render_the_summary(tmp_path: Path) -> None:
    article = read("content/notes.md", PELICAN)
    assert article.slug == "mac-os-x-10.8"
    assert article.summary == "A short version with a link on two lines."
    assert article.tags == ("mac", "release", "Systems")
    assert article.authors == ("Alexis Métaireau", "Conference Staff")
    assert article.date == datetime(2012, 7, 25, 10, 20)
    assert dict(article.extra_items)["Modified"] == "2012-07-26 19:30"
    put(tmp_path, "content/notes.md", PELICAN)
    assert (build(tmp_path) / "2012/07/mac-os-x-10.8.html").is_file()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("name-10.8", "name-10.8"),
        ("Mixed_Case~1+2", "Mixed_Case~1+2"),
        ("été-2016", "été-2016"),
        ("../escape", "escape"),
        ("a/b", "a-b"),
        (".hidden", "hidden"),
        ("trailing.", "trailing"),
        ("with space", "with-space"),
        ("query?x=1#f", "query-x-1-f"),
        ("x" * 101, "x" * 100),
    ],
)
def test_an_explicit_slug_is_kept_exactly_when_safe_as_a_file_name(typed: str, expected: str) -> None:
    article = read("a.md", f"---\ntitle: T\ndate: 2016-01-01\nslug: \"{typed}\"\n---\nText.\n")
    assert article.slug == expected
    warned = [message for _, message in article.warnings if "not safe as a file name" in message]
    assert bool(warned) == (typed != expected)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("permalink", "/2016/03/name-10.8.html", "name-10.8"),
        ("permalink", "/blog/old-name/", "old-name"),
        ("permalink", "/blog/old-name/index.html", "old-name"),
        ("url", "/posts/Kept.Name", "Kept.Name"),
    ],
)
def test_a_permalink_or_url_naming_one_page_gives_the_slug(key: str, value: str, expected: str) -> None:
    article = read("a.md", f"---\ntitle: A title\ndate: 2016-01-01\n{key}: \"{value}\"\n---\nText.\n")
    assert article.slug == expected
    for pattern in ("/:categories/:title/", "/../"):  # name no one page
        article = read("a.md", f"---\ntitle: A title\ndate: 2016-01-01\n{key}: \"{pattern}\"\n---\nText.\n")
        assert article.slug == "a-title"


def test_jekyll_published_false_is_a_draft_and_excerpt_the_summary() -> None:
    article = read("_posts/2016-01-01-x.md", """
        ---
        title: X
        published: false
        excerpt: "*Short* one"
        ---
        Body.
        """)
    assert article.draft
    assert article.summary == "Short one"
    assert dict(article.extra_items)["published"] is False


# --- 3. Datelines and boilerplate ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("paragraphs", "day", "body", "place"),
    [
        (["30 octobre 2024, Maroc. - Le ministre est venu."], date(2024, 10, 30), "Le ministre est venu.", "Maroc"),
        (["RABAT, 16 juin 2012 (MAP) - Le texte."], date(2012, 6, 16), "Le texte.", "RABAT"),
        (["16 juin 2012 - Le texte."], date(2012, 6, 16), "Le texte.", ""),
        (["Photo : DR", "Paris, 3 mars 2016 - Le texte."], date(2016, 3, 3), "Photo : DR\n\nLe texte.", "Paris"),
        (["3 mars 2016, Paris (AFP) — Le texte."], date(2016, 3, 3), "Le texte.", "Paris"),
    ],
)
def test_datelines_in_the_first_two_paragraphs_date_saved_pages_and_press_exports(
    paragraphs: list[str], day: date, body: str, place: str
) -> None:
    page = "<html><body><article><h1>Titre</h1>" + "".join(f"<p>{text}</p>" for text in paragraphs) + "</article>"
    press = "Titre\n\n" + "\n".join(paragraphs) + "\nwww.exemple.com\n"
    for article in (read("page.html", page), read("press.txt", press)):
        assert (article.date, article.text, dict(article.extra_items).get("dateline_place", "")) == (day, body, place)
    with pytest.raises(InputError, match="no date found"):  # in the third paragraph, a date is text
        read("page.html", "<article><h1>T</h1><p>a</p><p>b</p><p>3 mars 2016 - c</p></article>")


BOILERPLATE_PAGE = """
    <html lang="fr"><head><meta property="article:published_time" content="2024-10-30"></head>
    <body><article><h1>Titre</h1>
    <p>Premier paragraphe.</p>
    <p>A lire aussi sur Le360 : <a href="https://le360.ma/x">Un autre article</a></p>
    <p>Deuxième paragraphe.<br>Lire aussi : Encore un autre<br>Suite du paragraphe.</p>
    <ul><li>Read more: <a href="https://example.org">elsewhere</a></li><li>Un point.</li></ul>
    <p>« À voir aussi »</p>
    <p>Voir aussi la déclaration du ministre, qui reste du texte.</p>
    </article></body></html>
    """


def test_cross_link_boilerplate_is_removed_from_bodies() -> None:
    article = read("page.html", BOILERPLATE_PAGE)
    assert article.text.split("\n\n") == [
        "Premier paragraphe.",
        "Deuxième paragraphe. Suite du paragraphe.",
        "Un point.",
        "Voir aussi la déclaration du ministre, qui reste du texte.",
    ]
    press = read("press.txt", "Titre\n\nUn texte.\nA lire aussi sur Atlas Info : Un titre\nLa suite.\nLe 30/10/2024\n")
    assert press.text == "Un texte.\n\nLa suite."
    kept = read("page.html", BOILERPLATE_PAGE, boilerplate=())
    assert "A lire aussi sur Le360" in kept.text


def test_the_boilerplate_list_comes_from_site_yaml_and_a_change_rereads_articles(tmp_path: Path) -> None:
    assert "lire aussi" in load_config(None).boilerplate
    put(tmp_path, "content/page.html", BOILERPLATE_PAGE)
    put(tmp_path, "site.yaml", "boilerplate: []\n")
    page = tmp_path / "site/2024/10/titre.html"
    build(tmp_path)
    assert "A lire aussi sur Le360" in page.read_text()
    put(tmp_path, "site.yaml", "boilerplate: ['premier paragraphe']\n")
    build(tmp_path)
    assert "A lire aussi sur Le360" in page.read_text() and "Premier paragraphe" not in page.read_text()
    put(tmp_path, "site.yaml", "boilerplate: 12\n")
    with pytest.raises(InputError, match="'boilerplate': Input should be a valid list"):
        build(tmp_path)


# --- 4. Undated articles ------------------------------------------------------------------------

UNDATED = "---\ntitle: Sans date\n---\nUn texte sans date.\n"
WHEN = datetime(2019, 5, 6, 7, 8, 9, tzinfo=UTC)


def undated_archive(root: Path, policy: str | None) -> Path:
    path = put(root, "content/sans-date.md", UNDATED)
    os.utime(path, (WHEN.timestamp(), WHEN.timestamp()))
    if policy:
        put(root, "site.yaml", f"undated: {policy}\n")
    return path


def test_an_undated_article_is_kept_by_default_dated_by_its_file_with_a_warning(tmp_path: Path) -> None:
    undated_archive(tmp_path, None)
    report = build_site(BuildRequest(content=tmp_path / "content", output=tmp_path / "site", cwd=tmp_path))
    assert report.articles == 1 and not report.problems
    assert [str(warning).removeprefix(f"{tmp_path}/") for warning in report.warnings] == [
        "content/sans-date.md:1: no date found (looked for a 'date' key in the front matter or a 'YYYY-MM-DD-' "
        "file name): dated 2019-05-06 07:08 UTC by the file's modification time"
    ]
    assert (tmp_path / "site/2019/05/sans-date.html").is_file()


@pytest.mark.parametrize(("policy", "articles", "warnings", "problems"),
                         [("file-date", 1, 0, 0), ("warn-and-keep", 1, 1, 0), ("skip", 0, 0, 1)])
def test_the_undated_option(tmp_path: Path, policy: str, articles: int, warnings: int, problems: int) -> None:
    undated_archive(tmp_path, policy)
    report = build_site(BuildRequest(content=tmp_path / "content", output=tmp_path / "site", cwd=tmp_path))
    assert (report.articles, len(report.warnings), len(report.problems)) == (articles, warnings, problems)


def test_an_article_dated_by_its_file_rebuilds_as_a_clean_build_does(tmp_path: Path) -> None:
    root = tmp_path / "a"
    path = undated_archive(root, "file-date")
    put(root, "content/dated.md", "---\ntitle: Daté\ndate: 2019-01-01\n---\nUn texte daté.\n")
    build(root)
    later = WHEN + timedelta(days=400)
    os.utime(path, (later.timestamp(), later.timestamp()))  # same bytes, another date
    incremental = build(root)
    clean = tmp_path / "b"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".chronique-cache"))
    build(clean, clean=True)

    def files(site: Path) -> dict[str, bytes]:
        return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}

    assert (incremental / "2020/06/sans-date.html").is_file()
    assert files(incremental) == files(clean / "site")


# --- 5. Language per article --------------------------------------------------------------------

def test_an_article_in_another_language_says_so_and_shows_its_dates_in_it(tmp_path: Path) -> None:
    put(tmp_path, "content/en.md", "---\ntitle: In English\ndate: 2016-03-01\nlang: en_US\n---\nSome text.\n")
    put(tmp_path, "content/fr.md", "---\ntitle: En français\ndate: 2016-03-02\n---\nDu texte.\n")
    put(tmp_path, "content/page.html", '<html lang="pt-BR"><head><meta name="date" content="2016-03-03"></head>'
                                       "<body><h1>Em português</h1><p>Um texto.</p></body></html>")
    put(tmp_path, "content/bad.md", "---\ntitle: Bad\ndate: 2016-03-04\nlang: English please\n---\nText.\n")
    report = build_site(BuildRequest(content=tmp_path / "content", output=tmp_path / "site", cwd=tmp_path))
    assert [str(warning).removeprefix(f"{tmp_path}/") for warning in report.warnings] == [
        "content/bad.md:4: lang 'English please' is not a language tag such as 'en' or 'pt-BR': ignored"
    ]
    english = (tmp_path / "site/2016/03/in-english.html").read_text()
    assert '<html lang="fr">' in english
    assert '<h1 class="p-name" lang="en-US">In English</h1>' in english
    assert '<div class="e-content" lang="en-US">' in english
    assert 'lang="en-US">March 1, 2016</time>' in english
    assert "À lire aussi dans l’archive" in english  # the interface stays the site's
    portuguese = (tmp_path / "site/2016/03/em-portugues.html").read_text()
    assert 'lang="pt-BR">3 de março de 2016</time>' in portuguese
    french = (tmp_path / "site/2016/03/en-francais.html").read_text()
    assert '<div class="e-content">' in french and ">2 mars 2016</time>" in french
    index = (tmp_path / "site/index.html").read_text()
    assert 'lang="en-US">March 1, 2016</time>' in index and ">2 mars 2016</time>" in index


def test_feeds_say_which_page_the_relative_links_of_a_body_are_relative_to(tmp_path: Path) -> None:
    put(tmp_path, "content/a.md", "---\ntitle: A\ndate: 2016-03-02\n---\nText a.\n")
    put(tmp_path, "content/b.md", "---\ntitle: B\ndate: 2017-01-02\n---\nSee [a](/2016/03/a.html).\n")
    put(tmp_path, "site.yaml", "base_url: https://example.org/archive/\n")
    feed = (build(tmp_path) / "feed.xml").read_text()
    assert '<content type="html" xml:base="https://example.org/archive/2017/01/b.html">' in feed
    assert "href=&#34;../../2016/03/a.html&#34;" in feed or "href=&quot;../../2016/03/a.html&quot;" in feed


def test_a_jekyll_site_folder_builds_as_its_posts_not_its_layouts_or_old_output(tmp_path: Path) -> None:
    put(tmp_path, "_posts/2016-03-02-post.md", "---\ntitle: Post\n---\nText.\n")
    put(tmp_path, "_drafts/idea.md", "---\ntitle: Idea\ndate: 2016-04-01\n---\nText.\n")
    for folder in ("_layouts", "_includes", "_site/2016/03/02"):
        put(tmp_path, f"{folder}/post.html", "<html><body><h1>{{ page.title }}</h1>{{ content }}</body></html>")
    loaded = load_archive(tmp_path)
    assert [(article.origin.as_posix(), article.draft) for article in loaded.articles] == [
        ("_drafts/idea.md", True), ("_posts/2016-03-02-post.md", False)
    ]
    assert not loaded.problems and not loaded.warnings
    assert [path.as_posix() for path in loaded.skipped] == ["_includes", "_layouts", "_site"]


def test_pelican_links_to_content_files_and_the_folder_as_category(tmp_path: Path) -> None:
    put(tmp_path, "Travel/first.md", "Title: First\nDate: 2016-03-02\nSlug: first-10.8\n\nText.\n")
    put(tmp_path, "Travel/second.md", "Title: Second\nDate: 2016-03-03\nCategory: Trips\n\n"
                                      "[one]({filename}/Travel/first.md), [two]({filename}first.md), "
                                      "[three](|filename|../Travel/first.md), [four]({static}/images/x.png).\n")
    articles, warnings, _ = by_origin(tmp_path)
    assert articles["Travel/first.md"].tags == ("Travel",)
    second = articles["Travel/second.md"]
    assert second.tags == ("Trips",)
    assert second.body_html.count('href="first-10.8.html"') == 3
    assert warnings == ["Travel/second.md:5: root-relative link '/images/x.png' names no article of the archive: it "
                        "breaks when the site is opened from its files or from a sub-path"]


def test_thousands_of_template_tags_and_links_read_quickly_with_a_bounded_number_of_warnings() -> None:
    lines = [f"{{{{ x{n} }}}} [a](/nowhere/{n})" for n in range(20_000)]
    article = read("many.md", "---\ntitle: Many\ndate: 2016-01-01\n---\n" + "\n\n".join(lines) + "\n")
    assert len(article.site_links) == 20_000 and article.site_links[-1] == (5 + 2 * 19_999, "/nowhere/19999")
    assert len(article.warnings) == 21 and article.warnings[-1][1] == "19980 more template tags left out of the text"
    (resolved,) = resolve_site_links([article])
    assert len(resolved.warnings) == 42
    assert resolved.warnings[-1][1] == "19980 more root-relative links name no article of the archive"


def test_a_jekyll_post_reads_a_string_of_tags_or_categories_as_space_separated_words() -> None:
    front = "---\ntitle: T\ntags: jekyll ruby-gems\ncategories: news politics\n---\nText.\n"
    assert read("_posts/2016-01-01-t.md", front).tags == ("jekyll", "ruby-gems", "news", "politics")
    assert read("_posts/2016-01-01-t.md", front.replace("jekyll ruby-gems", "Union européenne, Maroc")).tags[:2] == (
        "Union européenne", "Maroc")
    assert read("t.md", front.replace("title: T", "title: T\ndate: 2016-01-01")).tags[:1] == ("jekyll ruby-gems",)
