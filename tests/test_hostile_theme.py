"""Hostile input of issue 11 aimed at links, the theme and templates: no link but http(s) or
relative reaches a page, content never becomes the theme nor runs code, and a template that
fails is one `template:line: message` line while the last good site stays."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chronique.build import BuildRequest, build_site
from chronique.cache import BuildMemory
from chronique.cli import main
from chronique.links import safe_url
from chronique.load.body import render_markdown, sanitise
from chronique.model import InputError
from chronique.preview import SourceWatcher, rebuild
from chronique.server import Broadcaster
from conftest import build, snapshot, write_article

BAD_SCHEMES = re.compile(r"^\s*(?:javascript|vbscript|data|file|about|blob):", re.IGNORECASE)


def links_of(site: Path) -> list[str]:
    """Every href and src of every page of the site, as a browser reads them (tabs and newlines out)."""
    found = []
    for page in site.rglob("*.html"):
        for tag in BeautifulSoup(page.read_text("utf-8"), "html.parser").find_all(True):
            for name in ("href", "src", "cite", "action", "content"):
                if tag.get(name):
                    found.append(re.sub(r"[\t\n\r]", "", str(tag[name])))
    return found



# --- item 1: links -------------------------------------------------------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "\\tjavascript:alert(1)",
    "java\\tscript:alert(1)",
    "java\\nscript:alert(1)",
    "java\\rscript:alert(1)",
    "\\x01javascript:alert(1)",
    "java\\x00script:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
@pytest.mark.parametrize("key", ["source_url", "source mapping"])
def test_an_unsafe_source_url_is_dropped_with_a_warning_and_the_article_published(
    tmp_path: Path, url: str, key: str, capsys
) -> None:
    content = tmp_path / "content"
    front = f'source_url: "{url}"\n' if key == "source_url" else f'source:\n  name: Agence\n  url: "{url}"\n'
    (content).mkdir()
    (content / "a.md").write_text(f'---\ntitle: "Titre"\ndate: 2024-10-30\n{front}---\n\nTexte.\n', "utf-8")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "2024" / "10" / "titre.html").is_file()
    assert not [link for link in links_of(tmp_path / "site") if BAD_SCHEMES.match(link)]
    assert "alert" not in (tmp_path / "site" / "2024" / "10" / "titre.html").read_text()  # nor in JSON-LD
    [warning] = [line for line in capsys.readouterr().err.splitlines() if "source URL" in line]
    assert warning.startswith(f"{content / 'a.md'}:4: ") and "dropped" in warning and "(skipped)" not in warning


def test_the_warning_of_a_dropped_url_is_given_again_by_a_build_reading_the_cache(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30", source_url="javascript:alert(1)")
    for _ in range(2):
        report = build(content, tmp_path / "site")
        [warning] = report.warnings
        assert (warning.path, warning.line, report.problems) == (content / "a.md", 4, ())


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="javascript:alert(1)">',
        '<link rel="canonical" href="  JavaScript:alert(1)">',
        '<link rel="canonical" href="java&#x09;script:alert(1)">',
        '<meta property="og:url" content="vbscript:msgbox(1)">',
        '<meta property="og:url" content="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">',
    ],
)
def test_a_saved_page_with_an_unsafe_canonical_link_is_published_without_it(tmp_path: Path, head: str) -> None:
    """And no other reader links another scheme: a press export or web Markdown links only http(s)."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "press.txt").write_text("Titre presse\n\nTexte.\nLe 30/10/2024\nSource : javascript:alert(1)\n")
    (content / "web.md").write_text("# Titre web\n\n13.12.2023\n\nTexte.\n\nSource : [x](javascript:alert(2))\n")
    (content / "web2.md").write_text("# Autre\n\n14.12.2023\n\nTexte.\n\nSource : <https://exemple.org/a>\n")
    (content / "page.html").write_text(
        f'<html><head><meta property="og:site_name" content="Le Site">\n{head}\n'
        '<meta property="article:published_time" content="2024-10-30"></head>'
        "<body><article><h1>Titre</h1><p>Texte.</p></article></body></html>",
        "utf-8",
    )
    report = build(content, tmp_path / "site")
    assert (report.articles, report.problems) == (4, ())
    [warning] = report.warnings
    assert (warning.path, warning.line) == (content / "page.html", 2)
    links = links_of(tmp_path / "site")
    assert not [link for link in links if BAD_SCHEMES.match(link)]
    assert "https://exemple.org/a" in links
    assert (tmp_path / "site" / "sources" / "le-site.html").is_file()  # the source keeps its name


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("  https://example.org/\n", "https://example.org/"),
        ("/archive/a.html", "/archive/a.html"),
        ("a.html", "a.html"),
        ("//example.org/a", "//example.org/a"),
        ("#note", "#note"),
        ("?q=1", "?q=1"),
        ("javascript:alert(1)", None),
        ("\x00\x1f javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("j\na\rv\ta\nscript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("vbscript:x", None),
        ("data:text/html,x", None),
        ("mailto:a@b.c", None),
        ("blob:https://a/b", None),
        ("localhost:8000/a", None),
        ("\u200bjavascript:alert(1)", None),
        ("\u00a0javascript:alert(1)", None),
        ("java script:alert(1)", None),
        ("/a:b?c=d:e#f:g", "/a:b?c=d:e#f:g"),
        ("https:example.org", "https:example.org"),
    ],
)
def test_safe_url_reads_urls_as_browsers_do(url: str, kept: str | None) -> None:
    assert safe_url(url) == kept


def test_no_url_attribute_of_a_body_carries_a_script(tmp_path: Path) -> None:
    attacks = [
        '<q cite="javascript:alert(1)">q</q>',
        '<blockquote cite=" JAVASCRIPT:alert(1)">b</blockquote>',
        '<a href="java&#x09;script:alert(1)">a</a>',
        '<a href="&#x01;javascript:alert(1)">a</a>',
        '<a href="vbscript:x">a</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">a</a>',
        '<img src="javascript:alert(1)" srcset="javascript:alert(1) 2x">',
        '<video poster="javascript:alert(1)"></video>',
        '<form><button formaction="javascript:alert(1)">b</button></form>',
        '<svg><a xlink:href="javascript:alert(1)">s</a></svg>',
        '<p style="background:url(javascript:alert(1))">p</p>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<iframe src="javascript:alert(1)"></iframe><object data="javascript:alert(1)"></object>',
    ]
    for attack in attacks:
        assert "javascript" not in sanitise(attack).lower() and "vbscript" not in sanitise(attack), attack
        assert "data:" not in sanitise(attack), attack
    markdown = render_markdown("[a](javascript:alert(1)) ![i](javascript:alert(1)) <javascript:alert(1)>")
    assert "javascript" not in markdown
    assert 'cite="https://example.org/"' in sanitise('<q cite="https://example.org/">q</q>')


@pytest.mark.parametrize(
    "base_url", ["https://example.org/\nDisallow: /", "https://example.org/\t", "https://exa mple.org/", "javascript:x"]
)
def test_base_url_is_refused_unless_a_plain_absolute_http_url(tmp_path: Path, base_url: str, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (tmp_path / "site.yaml").write_text(f"base_url: {base_url!r}\n".replace("'", '"'))
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "site.yaml:1: 'base_url'" in err


def test_user_templates_link_front_matter_fields_through_safe_url_and_escape_them(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30", link='"javascript:alert(1)"', home="https://ex.org/")
    write_article(content, "b.md", "Autre", "2024-10-31", link='"<script>alert(2)</script>"')
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '<a id="l" href="{{ article.extra.link|safe_url }}">x</a>'
        '<a id="h" href="{{ article.extra.get("home")|safe_url }}">h</a>{% include "partial.htm" %}'
    )
    (templates / "partial.htm").write_text("<p>{{ article.extra.link }}</p>")
    build(content, tmp_path / "site")
    page = (tmp_path / "site" / "2024" / "10" / "titre.html").read_text()
    assert '<a id="l" href="">' in page and '<a id="h" href="https://ex.org/">' in page
    other = (tmp_path / "site" / "2024" / "10" / "autre.html").read_text()
    assert "<script>" not in other and "&lt;script&gt;" in other


def test_content_passed_to_a_translation_function_is_escaped(tmp_path: Path) -> None:
    """Jinja's own `_` marks what it returns safe, message included: a theme translating a field
    would print the article's markup as is."""
    content = tmp_path / "content"
    write_article(content, "a.md", "<script>alert(1)</script>", "2024-10-30")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        '<h1>{{ _(article.title) }}</h1><p>{{ gettext(article.title) }}</p>'
        '<i>{{ ngettext(article.title, article.title, 2) }}</i><b>{{ _("Accueil") }}</b>'
    )
    build(content, tmp_path / "site")
    [article] = [path for path in (tmp_path / "site" / "2024" / "10").glob("*.html") if path.name != "index.html"]
    page = article.read_text()
    assert "<script>alert" not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    assert "<b>Accueil</b>" in page


# --- item 2: the theme is never read from the content folder, and templates run sandboxed ------------

def test_templates_and_static_inside_the_content_folder_are_not_the_theme(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (content / "templates").mkdir()
    marker = tmp_path / "PWNED"
    (content / "templates" / "index.html").write_text(
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}HIJACKED"
    )
    (content / "static").mkdir()
    (content / "static" / "search.js").write_text("alert('hijacked')")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    assert not marker.exists()
    assert "HIJACKED" not in (tmp_path / "site" / "index.html").read_text()
    assert "hijacked" not in (tmp_path / "site" / "static" / "search.js").read_text()
    warnings = capsys.readouterr().err.splitlines()
    for part in ("templates", "static"):
        [line] = [line for line in warnings if line.startswith(f"{content / part}:1: ")]
        assert "not used as the theme" in line and str(tmp_path.resolve() / part) in line


def test_site_yaml_inside_the_content_folder_does_not_make_it_the_project_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (content / "site.yaml").write_text("title: Archive\n")
    (content / "templates").mkdir()
    (content / "templates" / "index.html").write_text("HIJACKED")
    build(content, tmp_path / "site")
    assert "HIJACKED" not in (tmp_path / "site" / "index.html").read_text()


def test_the_theme_is_beside_site_yaml(tmp_path: Path) -> None:
    content, project = tmp_path / "articles" / "content", tmp_path / "project"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (project / "templates").mkdir(parents=True)
    (project / "site.yaml").write_text("title: Archive\n")
    (project / "templates" / "404.html").write_text("PERDU")
    assert main(["build", "--content", str(content), "--config", str(project / "site.yaml"),
                 "--output", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "404.html").read_text() == "PERDU"


def test_the_theme_named_by_the_command_line_or_site_yaml(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    for name in ("themes/a", "themes/b"):
        (tmp_path / name / "templates").mkdir(parents=True)
        (tmp_path / name / "static").mkdir()
        (tmp_path / name / "templates" / "404.html").write_text(f"PERDU {name}")
        (tmp_path / name / "static" / "extra.css").write_text(f"/* {name} */")
    assert main(["build", "--content", str(content), "--theme", str(tmp_path / "themes/a"),
                 "--output", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "404.html").read_text() == "PERDU themes/a"
    assert (tmp_path / "site" / "static" / "extra.css").read_text() == "/* themes/a */"
    (tmp_path / "site.yaml").write_text("theme: themes/b\n")
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "404.html").read_text() == "PERDU themes/b"
    assert (tmp_path / "site" / "static" / "extra.css").read_text() == "/* themes/b */"


@pytest.mark.parametrize("how", ["--theme", "theme:", "link"])
def test_a_theme_folder_inside_the_content_folder_is_refused(tmp_path: Path, how: str, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (content / "theme" / "templates").mkdir(parents=True)
    (content / "theme" / "templates" / "404.html").write_text("HIJACKED")
    arguments = ["build", "--content", str(content), "--output", str(tmp_path / "site")]
    if how == "--theme":
        arguments += ["--theme", str(content / "theme")]
    elif how == "theme:":
        (tmp_path / "site.yaml").write_text("theme: content/theme\n")
    else:
        (tmp_path / "templates").symlink_to(content / "theme" / "templates")
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "inside the content folder" in err
    assert not (tmp_path / "site").exists()


def test_a_theme_folder_that_does_not_exist_is_one_line(tmp_path: Path, capsys) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    assert main(["build", "--content", str(content), "--theme", str(tmp_path / "nope"),
                 "--output", str(tmp_path / "site")]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'nope'}:1: no such theme folder: {tmp_path / 'nope'}\n"


SSTI = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ namespace.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{{ lipsum.__globals__.__builtins__.open('SECRET').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ site.__class__.__init__.__globals__ }}",
    "{{ href.__globals__['__builtins__']['open']('SECRET').read() }}",
    "{{ site|attr('__class__')|attr('__mro__') }}",
    "{{ '{0.__class__.__mro__}'.format(site) }}",
    "{{ '%s'|format(site.__class__) }}",
    "{% for c in [].__class__.__base__.__subclasses__() if c.__name__ == 'Popen' %}"
    "{{ c('touch MARKER', shell=True).wait() }}{% endfor %}",
    "{{ article.origin.write_text('pwned') }}{{ article.origin.with_name('MARKER').touch() }}",
    "{{ article.origin.with_name('SECRET').read_text() }}",
    "{{ article.origin.open().read() }}",
    "{{ article.with_tags.__globals__ }}",
    "{{ lang.gettext.__globals__ }}",
    "{{ urls.article.__func__.__globals__ }}",
]


@pytest.mark.parametrize("payload", SSTI)
def test_a_template_cannot_reach_python_internals_nor_files(tmp_path: Path, payload: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # where a relative path would be read or written
    content = tmp_path / "content"
    write_article(content, "a.md", "Titre", "2024-10-30")
    (tmp_path / "SECRET").write_text("s3cr3t")
    (tmp_path / "a.md").write_text("original")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text(f"line one\n{payload}\n")
    status = main(["build", "--content", str(content), "--output", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert not (tmp_path / "MARKER").exists() and (tmp_path / "a.md").read_text() == "original"
    assert status == 1 and "s3cr3t" not in err
    assert err.count("\n") == 1 and err.startswith(f"{tmp_path.resolve() / 'templates' / 'article.html'}:2: ")
    assert not (tmp_path / "site").exists()


def test_the_watcher_watches_the_theme_in_use(tmp_path: Path) -> None:
    import threading

    content, theme = tmp_path / "content", tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    watcher = SourceWatcher(BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path, theme=theme),
                            threading.Event())
    assert watcher.relevant(str(theme.resolve() / "templates" / "base.html"))
    assert watcher.relevant(str(theme.resolve() / "static" / "extra.css"))
    assert not watcher.relevant(str(tmp_path.resolve() / "templates" / "base.html"))


# --- item 7: a template that fails is one line ----------------------------------------------------

FAILING_TEMPLATES = {
    "division by zero": ("article.html", "{{ 1 / 0 }}"),
    "recursive macro": ("article.html", "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}"),
    "self-include": ("article.html", '{% include "article.html" %}'),
    "self-extends": ("article.html", '{% extends "article.html" %}'),
    "mutual include": ("article.html", '{% include "other.html" %}'),
    "undefined name": ("article.html", "{{ nope.missing }}"),
    "filter error": ("article.html", "{{ 5|join(',') }}"),
    "unknown filter": ("article.html", "{{ 5|nofilter }}"),
    "bad filter argument": ("article.html", "{{ article.title|truncate('x') }}"),
    "missing include": ("article.html", '{% include "nope.html" %}'),
    "missing import": ("article.html", '{% from "nope.html" import x %}'),
    "syntax error": ("article.html", "{% if %}"),
    "key error": ("article.html", "{{ {'a': 1}['b'] + 1 }}"),
    "index error": ("article.html", "{{ [][3] + 1 }}"),
    "unsafe attribute": ("article.html", "{{ article.__class__ }}"),
    "base broken": ("base.html", "{{ 'x' + 1 }}"),
}


def break_theme(root: Path, case: str) -> Path:
    name, source = FAILING_TEMPLATES[case]
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "other.html").write_text('{% include "article.html" %}')
    (root / "templates" / name).write_text(f"line one\n{source}\n")
    return (root / "templates" / name).resolve()


@pytest.mark.parametrize("case", FAILING_TEMPLATES)
def test_a_failing_template_is_one_line_and_leaves_the_site_untouched(tmp_path: Path, case: str, capfd) -> None:
    content, site = tmp_path / "content", tmp_path / "site"
    write_article(content, "a.md", "Titre", "2024-10-30")
    assert main(["build", "--quiet", "--content", str(content), "--output", str(site)]) == 0
    before = snapshot(site)
    template = break_theme(tmp_path, case)
    assert main(["build", "--content", str(content), "--output", str(site)]) == 1
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and len(err) < 500, err
    named = template.parent / "other.html" if case == "mutual include" else template
    assert re.match(rf"{re.escape(str(template))}:\d+: |{re.escape(str(named))}:\d+: ", err), err
    assert snapshot(site) == before
    with pytest.raises(InputError) as raised:
        build_site(BuildRequest(content=content, output=site, cwd=tmp_path))
    again = pickle.loads(pickle.dumps(raised.value))  # a forked renderer sends it back pickled
    assert str(again) == str(raised.value)
    if case == "mutual include":  # either template may be where the stack runs out, at another depth
        assert re.sub(r"^.*?:\d+: ", "", str(again)) == re.sub(r"^.*?:\d+: ", "", err.strip())
    else:
        assert str(again) == err.strip()


def test_serve_reports_a_failing_template_and_keeps_the_last_good_site(tmp_path: Path) -> None:
    content, site = tmp_path / "content", tmp_path / "site"
    write_article(content, "a.md", "Titre", "2024-10-30")
    request, memory, said = BuildRequest(content=content, output=site, cwd=tmp_path), BuildMemory(), []
    assert rebuild(request, Broadcaster(), said.append, memory)
    before = snapshot(site)
    template = break_theme(tmp_path, "recursive macro")
    assert not rebuild(request, Broadcaster(), said.append, memory)
    failure, verdict = said[-1].split("\n")
    assert failure.startswith(f"{template}:2: ") and len(failure) < 500
    assert verdict == "build failed: still serving the last good site"
    assert snapshot(site) == before
    (template).unlink()
    assert rebuild(request, Broadcaster(), said.append, memory)
