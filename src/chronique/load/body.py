"""Article bodies: Markdown -> sanitised HTML, HTML -> plain text, summaries.

Every reader ends here, so all shapes share one allow-list and one notion of "paragraph".
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from html.parser import HTMLParser
from itertools import chain

import markdown
import nh3

from ..links import safe_url

SUMMARY_LIMIT = 280

# Ordinary whitespace collapses; no-break spaces stay, French typography puts them before ":;!?».
_SPACES = re.compile(r"[^\S\u00a0\u202f\u2007]+")
# Control characters are never text and would make feeds invalid XML.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff]")

ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small"}
    | {"sub", "sup", "q", "cite", "abbr", "a", "ul", "ol", "li", "dl", "dt", "dd", "blockquote"}
    | {"figure", "figcaption", "img", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
    | {"code", "pre", "br", "hr", "div"}
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    # Footnotes (Markdown "extra") link between these ids.
    "sup": {"id"},
    "li": {"id"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# nh3 judges the schemes of href and src itself, not of cite: that one goes through `links.safe_url`.
_UNJUDGED_URL_ATTRIBUTES = frozenset({"cite"})

_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "figcaption", "caption", "tr"}
    | {"blockquote", "ul", "ol", "dl", "figure", "table", "thead", "tbody", "tfoot", "div", "hr"}
    | {"section", "article", "main"}
)
_CELLS = frozenset({"td", "th"})


def clean_source(text: str) -> str:
    """File-level normalisation: NFC, no U+FFFD (cut UTF-8 in exports), no control characters."""
    text = unicodedata.normalize("NFC", text)
    return _CONTROLS.sub("", text).replace("\u2028", " ").replace("\u2029", " ")


def clean_line(text: str) -> str:
    """One paragraph or title: normalised, single-spaced, stripped."""
    text = clean_source(text)
    if "\u00a0" in text or "\u202f" in text or "\u2007" in text:
        return _SPACES.sub(" ", text).strip()
    # No space to keep: str.split collapses the same runs (Unicode white space), twice as fast
    # (tests/test_load_speed.py): 0.13 ms an article, 6 % of the load stage's CPU.
    return " ".join(text.split())


def sanitise(fragment: str) -> str:
    # A body heading must not compete with the page's own <h1> title.
    fragment = re.sub(r"<(/?)h1\b", r"<\1h2", fragment, flags=re.IGNORECASE)
    cleaned = nh3.clean(
        clean_source(fragment),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_linkable,
    )
    return cleaned.strip()


def _linkable(tag: str, attribute: str, value: str) -> str | None:
    """An attribute's value, or None (dropped) for a URL no page may link."""
    return safe_url(value) if attribute in _UNJUDGED_URL_ATTRIBUTES else value


MARKDOWN_EXTENSIONS = ("extra", "sane_lists")
"""How articles are written: Python-Markdown with these extensions, no "smarty" (quotes and dashes
stay as typed)."""

# Python-Markdown tries each inline pattern on every run of text of a document, and one cannot
# match where a character it needs is missing: a document is converted without the patterns it
# cannot use (tests/test_load_speed.py compares the HTML with the full converter's). It saved 12 %
# of the load stage's CPU (1.27 -> 0.94 ms an article). Pattern -> what it needs: a character of
# each string.
_INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "short_reference": ("[",),
    "image_link": ("!", "["),
    "image_reference": ("!", "["),
    "short_image_ref": ("!", "["),
    "footnote": ("[", "^"),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*_",),
}
_INLINE_MARKS = frozenset("".join(chain.from_iterable(_INLINE_NEEDS.values())))

_converters = threading.local()


def _converter(source: str) -> tuple[frozenset[str], markdown.Markdown]:
    """The patterns `source` cannot use, and this thread's converter without them."""
    marks = {mark for mark in _INLINE_MARKS if mark in source}
    unused = frozenset(
        name for name, needs in _INLINE_NEEDS.items() if not all(marks.intersection(need) for need in needs)
    )
    # Setting up a converter costs as much as converting an article: keep them, one per set of patterns.
    kept: dict[frozenset[str], markdown.Markdown] = _converters.__dict__.setdefault("markdown", {})
    if unused not in kept:
        converter = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
        for name in unused:
            converter.inlinePatterns.deregister(name, strict=False)
        kept[unused] = converter
    return unused, kept[unused]


def render_markdown(source: str) -> str:
    """Markdown -> sanitised HTML (see `MARKDOWN_EXTENSIONS`)."""
    unused, converter = _converter(source)
    try:
        return sanitise(converter.reset().convert(source))
    except BaseException:  # an error, or the reader's time budget running out (`limits.OutOfTime`)
        del _converters.markdown[unused]  # never reuse a converter left half-way through a document
        raise


# A line in NFC that opens with a letter (no list, heading, quote or code block; no combining mark to
# join the "<p>" before it) and holds no inline mark, "<", "&", "{" or "|" is one paragraph of itself:
# rendering it gives it back (tests/test_load_speed.py checks it against the renderer). Skipping the
# renderer for such summaries (0.17 -> 0.03 ms an article) saves 6 % of the load stage's CPU.
_PLAIN_LINE = re.compile(r"[^\W\d_][^\\`*_\[\]<>&{}|~^\ud800-\udfff]*")


def markdown_line(line: str) -> str:
    """One line of Markdown (already `clean_line`d, such as a summary) as plain text."""
    if _PLAIN_LINE.fullmatch(line) and unicodedata.is_normalized("NFC", line):
        return line
    return clean_line(html_text(render_markdown(line)))


def paragraphs_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs (already clean) -> HTML."""
    return "\n".join(f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)


class _Blocks(HTMLParser):
    """Collects (innermost block tag, text) pairs, one per paragraph-like element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._stack: list[str] = []
        self._buffer: list[str] = []

    def _flush(self) -> None:
        text = clean_line("".join(self._buffer))
        self._buffer = []
        if text:
            self.blocks.append((self._stack[-1] if self._stack else "p", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _CELLS:
            self._buffer.append(" ")
        elif tag in _BLOCKS:
            self._flush()
            if tag != "hr":
                self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS and tag not in _CELLS and tag != "hr":
            self._flush()
            if tag in self._stack:
                del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def blocks(fragment: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(fragment)
    parser.close()
    return parser.blocks


def html_text(fragment: str) -> str:
    """Plain text of an HTML body: one paragraph per block element, separated by a blank line."""
    return "\n\n".join(text for _, text in blocks(fragment))


def summarise(fragment: str, limit: int = SUMMARY_LIMIT) -> str:
    """The first paragraph (a <p> if there is one), cut at a word boundary, at most `limit` chars."""
    found = blocks(fragment)
    paragraphs = [text for tag, text in found if tag == "p"] or [text for _, text in found]
    return cut(paragraphs[0], limit) if paragraphs else ""


def cut(text: str, limit: int = SUMMARY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > 0 and text[limit - 1] != " ":
        head = head[:space]
    return head.rstrip(" ,;:–—-(«“\u00a0\u202f") + "…"
