"""The load stage's shortcuts give what the long way gives (each saves CPU time; see its comment)."""

from __future__ import annotations

import unicodedata

import markdown
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from chronique.load.body import (
    _SPACES,
    MARKDOWN_EXTENSIONS,
    clean_line,
    clean_source,
    html_text,
    markdown_line,
    render_markdown,
    sanitise,
)
from chronique.text import fold

# What Markdown, HTML and Unicode normalisation make something of, among plain letters and words.
_TRICKY = [
    *"\\`*_[]()<>&{}|~^#+-=.:!?;,'\"%@/0123456789 \t\n\r",
    "\u00a0", "\u202f", "\u2028", "\u0301", "\u0338", "\u0327", "\x00", "\x02", "\x03", "\x85", "\ufffd",
    "é", "É", "ß", "œ", "ǅ", "ﬁ", "İ", "ς", "Ω", "日本", "عربي", "😀", "&amp;", "&#39;", "<p>", "</p>", "<br>",
    "1. ", "- ", "* ", "> ", "# ", "---", "***", "```", "~~~", "    ", "[x](y)", "[^1]", "*[HTML]: h", "{: #i}",
    "http://example.org", "<http://example.org>", "a@b.fr", "  \n", ": ", "| a |", "klzzwxh:1", "\x02wzxhzdk:0\x03",
]
_WORDS = ["Le", "roi", "a", "dit", "Maroc", "ça", "déjà", "Œuvre", "x"]
lines = st.one_of(
    st.text(),
    st.lists(st.sampled_from(_TRICKY + _WORDS), max_size=12).map("".join),
    # Mostly plain lines: the shortcut's own ground, with one tricky piece somewhere.
    st.tuples(
        st.sampled_from(_WORDS), st.lists(st.sampled_from([" ", *_WORDS, *_TRICKY]), max_size=8)
    ).map(lambda drawn: drawn[0] + "".join(drawn[1])),
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=500)
@given(lines)
@example("Pongiebaeur triflâcuil est notamment où frantêeur son un, qui (pleoteausse) ruille : « gâlieeur » !")
@example("é\u0338 x")
@example("Le 1. x")
def test_a_summary_line_reads_as_its_rendering(raw: str) -> None:
    line = clean_line(raw)  # as front matter gives it (`fields._Fields.text`)
    assume(line)
    assert markdown_line(line) == clean_line(html_text(render_markdown(line)))


# The long way: a look-up of each character in a table of every combining mark.
_COMBINING_MARKS = {code: None for code in range(0x20000) if unicodedata.combining(chr(code))}


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from([*_TRICKY, *_WORDS, "\u0308", "\U0001d165"])).map("".join)))
def test_fold_removes_every_combining_mark(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    assert fold(text) == decomposed.translate(_COMBINING_MARKS)


_MARKDOWN_PIECES = [
    *_TRICKY, *_WORDS, " ", "\n", "\n\n", "\t", "\r\n", "  \n", "\\\n", "!", "^", "[", "]", "(", ")",
    "**gras**", "_x_", "*", "`code`", "``", "\\*", "\\[", "&eacute;", "&#233;", "&", "<b>", "</b>", "<!-- c -->",
    "<div markdown=\"1\">\n", "</div>\n", "<span>", "<a@b.fr>", "<https://a.fr/x>", "![i](/i.png)", "![i][r]",
    "[r]: /u \"t\"\n", "[r]", "[t][r]", "[^n]", "[^n]: note\n", "*[ONU]: Nations unies\n", "ONU",
    "\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\n```\ncode [x] *y*\n```\n", "\n~~~ {.py}\nz\n~~~\n", "\n    indenté\n", "\nterme\n:   définition\n", "{: .c }",
    "\n- a\n- b\n", "\n1. a\n2. b\n", "\n> cite\n", "\n## Titre\n", "\nTitre\n=====\n", "\n***\n", "\x02", "\x03",
]
documents = st.lists(st.sampled_from(_MARKDOWN_PIECES), max_size=30).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=400)
@given(st.one_of(documents, st.text()))
@example("a\t\nb *c* `d` [e](f) <g@h.fr> &amp; \\* ![i](j) [^k]\n\n[^k]: l\n*[ONU]: m\nONU")
def test_markdown_renders_as_the_full_converter(source: str) -> None:
    full = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    assert render_markdown(source) == sanitise(full.convert(source))


_SPACE_PIECES = [*_WORDS, *_TRICKY, *(chr(code) for code in range(0x3001) if chr(code).isspace()), "\u200b", "\ufeff"]


@settings(deadline=None, max_examples=500)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_SPACE_PIECES), max_size=20).map("".join)))
def test_clean_line_collapses_white_space_as_the_pattern_does(text: str) -> None:
    assert clean_line(text) == _SPACES.sub(" ", clean_source(text)).strip()
