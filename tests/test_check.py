"""`chronique check`: links, assets and fragments as a browser resolves them from disk, feeds and the
sitemap, and the output against the manifest of the build that wrote it (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chronique.cli import main
from conftest import build, site_problems, write_article


def small_site(root: Path, site_yaml: str = "") -> Path:
    """Two articles sharing a tag, built into root/site (the cache in root/.chronique-cache)."""
    for name, title, day in [("a.md", "Premier article", "2024-10-30"), ("b.md", "Second article", "2024-11-02")]:
        write_article(root / "content", name, title, day, "Texte sur la migration.", tags="[migration]")
    (root / "site.yaml").write_text(site_yaml, "utf-8")
    build(root / "content", root / "site")
    return root / "site"


def problems(root: Path) -> list[str]:
    """The problems `chronique check` prints, with paths relative to the site."""
    site = root / "site"
    return [line.removeprefix(f"{site}/") for line in site_problems(root / "content", site)]


def append(page: Path, *lines: str) -> int:
    """Add `lines` at the end of `page`; the line number of the first."""
    text = page.read_text("utf-8")
    page.write_text(text + "\n".join(lines) + "\n", "utf-8")
    return text.count("\n") + 1


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_a_built_site_has_no_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = small_site(tmp_path, "base_url: https://example.org/archive\n")
    assert (site / "sitemap.xml").is_file() and (site / "robots.txt").is_file()
    assert problems(tmp_path) == []
    files = sum(1 for path in site.rglob("*") if path.is_file())
    status, out, err = run(capsys, "--content", str(tmp_path / "content"), "--output", str(site),
                           "--cache", str(tmp_path / ".chronique-cache"))
    assert (status, out, err) == (0, [f"{files} files checked, no problem"], "")


def test_the_seeds_site_has_no_problem(seed_site: Path) -> None:
    assert site_problems(seed_site.parent / "seeds", seed_site) == []


def test_files_edited_by_hand_or_missing_are_reported_files_added_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = small_site(tmp_path)
    page = site / "2024" / "10" / "premier-article.html"
    written = page.stat()
    page.write_bytes(page.read_bytes().replace(b"Premier article", b"Premier artiste"))
    os.utime(page, ns=(written.st_atime_ns, written.st_mtime_ns))  # same size and time: only the bytes tell
    (site / "tags" / "migration.xml").unlink()
    (site / "notes.txt").write_text("à moi", "utf-8")
    (site / "static" / "extra").mkdir()
    (site / "static" / "extra" / "x.css").write_text("p{}", "utf-8")
    lines = problems(tmp_path)
    feed_links = [line for line in lines if line.startswith("tags/migration.html:")]
    assert feed_links and all(line.endswith(" migration.xml: no such file") for line in feed_links)
    assert [line for line in lines if line not in feed_links] == [
        "2024/10/premier-article.html: changed since the build wrote it",
        "tags/migration.xml: missing: the last build wrote it",
    ]
    status, out, _ = run(capsys, "--content", str(tmp_path / "content"), "--output", str(site))
    assert status == 1 and out[-1].startswith(f"{len(out) - 1} problems in ")
    assert out[-1].endswith(" checked (2 not written by the build, left alone: notes.txt, static/extra/x.css)")


def test_a_file_put_beside_the_site_by_hand_is_no_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """GitHub Pages' CNAME, a .nojekyll: builds leave them alone, and so does the check."""
    site = small_site(tmp_path)
    (site / "CNAME").write_text("archive.example.org\n", "utf-8")
    (site / ".nojekyll").write_bytes(b"")
    files = sum(1 for path in site.rglob("*") if path.is_file())
    status, out, err = run(capsys, "--content", str(tmp_path / "content"), "--output", str(site),
                           "--cache", str(tmp_path / ".chronique-cache"))
    assert (status, err) == (0, "")
    assert out == [f"{files} files checked, no problem (2 not written by the build, left alone: .nojekyll, CNAME)"]


def test_every_kind_of_broken_link_is_reported_once_with_its_line(tmp_path: Path) -> None:
    site = small_site(tmp_path, "base_url: https://example.org/archive/\n")
    first = append(
        site / "index.html",
        '<a href="nowhere.html">',  # +0
        '<a href="/archives.html">',
        '<a href="2024/">',
        '<a href="../outside.html">',
        '<a href="#no-such-id">',
        '<a href="2024/10/premier-article.html#nope">',  # +5
        '<img src="static/logo.png" srcset="static/favicon.svg 1x, static/big.png 2x">',
        '<script src="static/app.js"></script>',
        '<link rel="stylesheet" href="static/print.css">',
        '<form action="find.html"></form>',
        '<meta http-equiv="refresh" content="0; url=moved.html">',  # +10
        '<A HREF=Upper.html>',
        '<a title="a > b" href=\'quoted.html\'>',
        '<a href="https://example.org/archive/missing.html">',
        '<style>body { background: url("static/bg.png") }</style>',
        '<a href="https://example.org/archive/index.html#main">',  # +15: fine
        '<!-- <a href="in-a-comment.html"> -->',
        '<script>let a = "<a href=in-a-script.html>";</script>',
        '<a data-href="not-a-link.html" href="2024/10/premier-article.html#main">',
        '<a href="https://elsewhere.org/x.html"><a href="mailto:x@example.org"><a href="#">',
        '<a href="tags.html?q=1#main"><a href="a&amp;b.html"><a href="sp%20ace.html">',  # +20
        '<a href="static/style.css#x"><a href="#top"><a name="anchor"></a><a href="#anchor">',
    )
    assert problems(tmp_path) == [  # sorted by file, line, then message
        "index.html: changed since the build wrote it",
        f"index.html:{first}: <a href> nowhere.html: no such file",
        f"index.html:{first + 1}: <a href> /archives.html: root-absolute: breaks when the site is opened from disk",
        f"index.html:{first + 2}: <a href> 2024/: names a folder: opened from disk, a browser lists it instead "
        "of showing its index.html",
        f"index.html:{first + 3}: <a href> ../outside.html: leaves the site",
        f"index.html:{first + 4}: <a href> #no-such-id: no id 'no-such-id' in index.html",
        f"index.html:{first + 5}: <a href> 2024/10/premier-article.html#nope: no id 'nope' in "
        "2024/10/premier-article.html",
        f"index.html:{first + 6}: <img src> static/logo.png: no such file",
        f"index.html:{first + 6}: <img srcset> static/big.png: no such file",
        f"index.html:{first + 7}: <script src> static/app.js: no such file",
        f"index.html:{first + 8}: <link href> static/print.css: no such file",
        f"index.html:{first + 9}: <form action> find.html: no such file",
        f"index.html:{first + 10}: <meta refresh> moved.html: no such file",
        f"index.html:{first + 11}: <a href> Upper.html: no such file",
        f"index.html:{first + 12}: <a href> quoted.html: no such file",
        f"index.html:{first + 13}: <a href> https://example.org/archive/missing.html: no such file",
        f"index.html:{first + 14}: url() static/bg.png: no such file",
        f"index.html:{first + 20}: <a href> a&b.html: no such file",
        f"index.html:{first + 20}: <a href> sp%20ace.html: no such file",
    ]


def test_stylesheets_are_checked_too(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    style = site / "static" / "style.css"
    first = append(style, '@import "fonts.css";', ".a { background: url(../static/favicon.svg) }",
                   ".b { background: url('img/none.png') } .c { background: url(data:image/png;base64,AAAA) }")
    assert problems(tmp_path) == [
        "static/style.css: changed since the build wrote it",
        f"static/style.css:{first}: @import fonts.css: no such file",
        f"static/style.css:{first + 2}: url() img/none.png: no such file",
    ]


def test_the_404_page_resolves_its_links_from_the_site_root_as_its_base_says(tmp_path: Path) -> None:
    """The 404 page is shown by a server at any depth: its <base href> (the site root: "/" without
    base_url) makes its relative links start there, and its "#main" names the root's index.html."""
    for root, site_yaml, base in [
        (tmp_path / "plain", "", "/"),
        (tmp_path / "published", "base_url: https://example.org/archive/\n", "https://example.org/archive/"),
    ]:
        site = small_site(root, site_yaml)
        assert f'<base href="{base}">' in (site / "404.html").read_text("utf-8")
        assert problems(root) == []
        first = append(site / "404.html", '<a href="2024/index.html">', '<a href="2024/">', '<a href="gone.html">')
        assert problems(root) == [
            "404.html: changed since the build wrote it",
            f"404.html:{first + 2}: <a href> gone.html: no such file",  # a folder is served as its index.html
        ]


def test_a_base_outside_the_site_or_relative_is_followed(tmp_path: Path) -> None:
    site = small_site(tmp_path, "base_url: https://example.org/archive/\n")
    page = site / "2024" / "10" / "premier-article.html"
    text = page.read_text("utf-8")
    relative_base = text.replace("<head>", '<head>\n<base href="../../tags/">', 1)
    page.write_text(relative_base.replace("</main>", '<a href="migration.html">tag</a></main>', 1), "utf-8")
    lines = problems(tmp_path)  # relative links now start from tags/, opened from disk
    assert lines[0] == "2024/10/premier-article.html: changed since the build wrote it"
    assert "2024/10/premier-article.html:11: <link href> ../../static/style.css: leaves the site" in lines
    assert not any("<a href> migration.html" in line for line in lines)
    page.write_text(text.replace("<head>", '<head>\n<base href="https://example.com/">', 1), "utf-8")
    assert problems(tmp_path) == [
        "2024/10/premier-article.html: changed since the build wrote it",
        "2024/10/premier-article.html:4: <base href> https://example.com/: outside the site, so are the page's links",
    ]


def test_feeds_and_sitemap_parse_and_their_links_resolve(tmp_path: Path) -> None:
    site = small_site(tmp_path, "base_url: https://example.org/archive/\n")
    feed = site / "feed.xml"
    entry_link = 'href="https://example.org/archive/2024/10/premier'
    feed.write_text(feed.read_text("utf-8").replace(entry_link, 'href="../x/2024/10/premier'), "utf-8")
    tag_feed = site / "tags" / "migration.xml"
    tag_feed.write_text(tag_feed.read_text("utf-8").replace("</id>", "</idx>", 1), "utf-8")
    sitemap = site / "sitemap.xml"
    sitemap.write_text(sitemap.read_text("utf-8").replace("/archive/tags.html", "/archive/tagz.html"), "utf-8")
    (site / "robots.txt").write_text("User-agent: *\nSitemap: https://example.org/sitemap.xml\n", "utf-8")
    lines = problems(tmp_path)
    assert [line for line in lines if "changed since" not in line] == [
        "feed.xml: <link> ../x/2024/10/premier-article.html: leaves the site",
        "robots.txt:2: Sitemap: https://example.org/sitemap.xml: outside the site",
        "sitemap.xml: <loc> https://example.org/archive/tagz.html: no such file",
        "tags/migration.xml:4: not well-formed XML: mismatched tag: line 4, column 54",
    ]
    feed.write_text('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
                    '</entry></feed>', "utf-8")
    assert [line for line in problems(tmp_path) if line.startswith("feed.xml")] == [
        "feed.xml: changed since the build wrote it",
        "feed.xml: entry 1 has no <id>",
        "feed.xml: entry 1 has no <link>",
        "feed.xml: entry 1 has no <updated>",
        "feed.xml: the feed has no <id>",
        "feed.xml: the feed has no <title>",
        "feed.xml: the feed has no <updated>",
    ]


def test_no_traceback_on_an_output_that_cannot_be_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = small_site(tmp_path)
    content = str(tmp_path / "content")
    status, out, err = run(capsys, "--content", content, "--output", str(tmp_path / "nothing"))
    assert (status, out, err) == (1, [], f"chronique: {tmp_path / 'nothing'}: cannot check the output folder: "
                                         "no such folder\n")
    status, out, err = run(capsys, "--content", content, "--output", str(site / "index.html"))
    assert (status, out) == (1, []) and err.endswith("cannot check the output folder: not a folder\n")
    os.mkfifo(site / "pipe.html")  # never read: it would block
    (site / "link.html").symlink_to(site / "index.html")
    status, out, err = run(capsys, "--content", content, "--output", str(site))
    files = sum(1 for path in site.rglob("*") if not path.is_dir() or path.is_symlink())
    assert (status, err) == (1, "")
    assert out == [
        f"{site}/link.html: cannot be read: Too many levels of symbolic links",
        f"{site}/pipe.html: cannot be read: not a regular file",
        f"2 problems in {files} files checked (2 not written by the build, left alone: link.html, pipe.html)",
    ]


def test_without_the_manifest_the_site_cannot_be_vouched_for(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    report_lines = site_problems(tmp_path / "content", site)
    assert report_lines == []
    other = tmp_path / "moved"
    site.rename(other)
    assert site_problems(tmp_path / "content", other) == [
        f"{other}: no manifest of a build into this folder in {tmp_path / '.chronique-cache'}: cannot tell a file "
        "edited, missing or added (build it first, or pass the --cache it was built with)"
    ]


def test_the_configured_output_is_checked_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_article(tmp_path / "articles", "a.md", "Premier article", "2024-10-30")
    (tmp_path / "site.yaml").write_text("content: articles\noutput: public\ncache: cache\n", "utf-8")
    assert main(["build", "-q", "--config", str(tmp_path / "site.yaml")]) == 0
    capsys.readouterr()
    (tmp_path / "public" / "index.html").write_text("<main id=main><a href='/'>", "utf-8")
    status, out, _ = run(capsys, "--config", str(tmp_path / "site.yaml"))
    assert status == 1
    assert out[:-1] == [
        f"{tmp_path / 'public' / 'index.html'}: changed since the build wrote it",
        f"{tmp_path / 'public' / 'index.html'}:1: <a href> /: root-absolute: breaks when the site is opened from disk",
    ]


def test_problems_come_sorted_and_the_same_each_time(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    for page in sorted(site.rglob("*.html"), reverse=True):
        append(page, '<a href="zz.html">', '<a href="aa.html">')
    lines = problems(tmp_path)
    assert lines == problems(tmp_path)
    located = [(line.split(":")[0], int(line.split(":")[1]) if line.split(":")[1].isdigit() else 0)
               for line in lines]
    assert located == sorted(located)
