"""Template code of other generators left in article bodies: Jekyll's Liquid and Hugo's shortcodes.

Content trees migrated from Jekyll or Hugo hold `{{ site.baseurl }}`, `{% post_url … %}`,
`{{< figure … >}}`: Chronique runs no template code from content (content is data), so each is
either resolved to what it stands for, when that needs no template engine, or left out of the
text with a warning naming its line. Links to other posts become root-relative paths
("/_posts/2016-03-02-x"), which `sitelinks` turns into links to the archive's pages.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

# One tag: Hugo's shortcodes first ("{{<" and "{{%" would otherwise read as a Liquid output). A tag
# holds no brace, so that each search stops at the next one: the work stays linear in the text.
_TAG = re.compile(
    r"\{\{<(?P<hugo>[^{}]*?)>\}\}|\{\{%(?P<hugo_markdown>[^{}]*?)%\}\}"
    r"|\{%(?P<tag>[^{}]*?)%\}|\{\{(?P<output>[^{}]*?)\}\}"
)
# Blocks whose inside is not text: Liquid comments; Liquid's raw blocks are text as typed.
_COMMENT = (re.compile(r"\{%-?\s*comment\s*-?%\}"), re.compile(r"\{%-?\s*endcomment\s*-?%\}"))
_RAW = (re.compile(r"\{%-?\s*raw\s*-?%\}"), re.compile(r"\{%-?\s*endraw\s*-?%\}"))
_SITE_ROOT = re.compile(r"site\.(?:url|baseurl)(?:\s*\|\s*\w+)*")
_FILTERED_PATH = re.compile(r"""(?P<quote>["'])(?P<path>[^"']*)(?P=quote)\s*\|\s*(?:relative_url|absolute_url)""")
_POST_LINK = re.compile(r"""(?P<name>post_url|link)\s+["']?(?P<target>[^\s"'%]+)["']?""")
_HUGO_REF = re.compile(r"""(?:rel)?ref\s+["']?(?P<target>[^\s"'>]+)["']?""")
_HIGHLIGHT = re.compile(r"highlight\s+(?P<language>[\w+#.-]+).*", re.DOTALL)
_END_HIGHLIGHT = re.compile(r"/?\s*(?:end)?highlight")
_SHOWN = 60
"""Characters of a tag quoted in its warning."""
WARNED_TAGS = 20
"""Tags left out of one file that are named in a warning each; the others are counted in one more."""

# Pelican's links to content files, "{filename}/x.md" (from the content folder) or "|filename|x.md"
# (from the article's folder), inside a Markdown link or an href.
_PELICAN_LINK = re.compile(
    r"(?P<open>\]\(\s*<?|href=[\"'])(?:\{(?:filename|static|attach)\}|\|(?:filename|static|attach)\|)"
    r"(?P<path>[^)\s\"'>]*)"
)

Warnings = list[tuple[int, str]]


def pelican_links(text: str, folder: str) -> str:
    """`text` with Pelican's links to content files as root-relative paths of the content folder
    ("/Travel/post.md"), which `sitelinks` then resolves; `folder` is the article's, "/"-separated."""

    def rooted(match: re.Match[str]) -> str:
        path = match.group("path")
        rooted_path = posixpath.normpath(path if path.startswith("/") else f"/{folder}/{path}")
        return match.group("open") + ("/" + rooted_path.lstrip("/") if path else "/")

    return _PELICAN_LINK.sub(rooted, text) if "filename" in text or "static" in text or "attach" in text else text


def _fence(language: str = "") -> str:
    """A Markdown code fence: highlight tags stand on their own lines, as fences do."""
    return f"```{language}"


def _blocks(text: str, marks: tuple[re.Pattern[str], re.Pattern[str]]) -> Iterator[tuple[int, int, int, int]]:
    """(start, inside start, inside end, end) of each block between an opening and a closing mark,
    found in one pass (a regular expression spanning both would rescan the rest of the text for
    each opening mark without its closing one)."""
    opening, closing = marks
    position = 0
    while (start := opening.search(text, position)) and (end := closing.search(text, start.end())):
        yield start.start(), start.end(), end.start(), end.end()
        position = end.end()


def _replace_blocks(text: str, marks: tuple[re.Pattern[str], re.Pattern[str]], by: Callable[[str, str], str]) -> str:
    """`text` with each block (see `_blocks`) replaced by `by(whole block, inside)`."""
    pieces: list[str] = []
    position = 0
    for start, inside, inside_end, end in _blocks(text, marks):
        pieces += [text[position:start], by(text[start:end], text[inside:inside_end])]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _tag_text(match: re.Match[str], group: str) -> str | None:
    """A group of `_TAG` without Liquid's whitespace control ("{%- … -%}") and the spaces around."""
    value = match.group(group)
    return None if value is None else value.strip().removeprefix("-").removesuffix("-").strip()


def _resolve(match: re.Match[str]) -> str | None:
    """What a tag stands for when no template engine is needed to know it, else None."""
    hugo = _tag_text(match, "hugo") or _tag_text(match, "hugo_markdown")
    if hugo is not None:
        if found := _HUGO_REF.fullmatch(hugo):
            return "/" + found.group("target").lstrip("/")
        if found := _HIGHLIGHT.fullmatch(hugo):
            return _fence(found.group("language"))
        return _fence() if _END_HIGHLIGHT.fullmatch(hugo) else None
    if (tag := _tag_text(match, "tag")) is not None:
        if found := _POST_LINK.fullmatch(tag):
            target = found.group("target").lstrip("/")
            return "/" + (f"_posts/{target}" if found.group("name") == "post_url" else target)
        if found := _HIGHLIGHT.fullmatch(tag):
            return _fence(found.group("language"))
        return _fence() if _END_HIGHLIGHT.fullmatch(tag) else None
    output = _tag_text(match, "output") or ""
    if _SITE_ROOT.fullmatch(output):
        return ""  # the site's own address: links after it become root-relative, see `sitelinks`
    if found := _FILTERED_PATH.fullmatch(output):
        return "/" + found.group("path").lstrip("/")
    return None


def strip_template_code(text: str, first_line: int) -> tuple[str, Warnings]:
    """`text` (Markdown starting at line `first_line` of its file) without template code, and a
    warning for each tag left out. A tag spanning lines leaves its line breaks, so that later
    lines keep their numbers."""
    if "{{" not in text and "{%" not in text:
        return text, []
    warnings: Warnings = []
    raw_texts: list[str] = []

    def keep_raw(_: str, inside: str) -> str:
        raw_texts.append(inside)
        return f"\0{len(raw_texts) - 1}\0"

    def line_breaks(block: str, _: str = "") -> str:
        return "\n" * block.count("\n")

    text = _replace_blocks(text.replace("\0", ""), _RAW, keep_raw)
    text = _replace_blocks(text, _COMMENT, line_breaks)
    pieces: list[str] = []
    position = left_out = 0
    line = first_line
    for match in _TAG.finditer(text):
        before = text[position : match.start()]
        line += before.count("\n")
        pieces.append(before)
        resolved = _resolve(match)
        if resolved is None:
            left_out += 1
            if left_out <= WARNED_TAGS:
                shown = " ".join(match.group().split())
                shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
                warnings.append((line, f"template code {shown!r} left out of the text (Chronique runs none)"))
            resolved = ""
        pieces.append(resolved + line_breaks(match.group()))
        line += match.group().count("\n")
        position = match.end()
    pieces.append(text[position:])
    if left_out > WARNED_TAGS:
        warnings.append((line, f"{left_out - WARNED_TAGS} more template tags left out of the text"))
    text = "".join(pieces)
    return re.sub(r"\0(\d+)\0", lambda match: raw_texts[int(match.group(1))], text), warnings
