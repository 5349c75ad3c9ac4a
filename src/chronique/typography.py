"""French typography for rendered pages: a narrow no-break space (U+202F) before « ; : ! ? » and
inside « guillemets », so that a line never starts with a lone "?" or "»".

It works on the text between tags only: markup, attribute values, character references, URLs,
e-mail addresses, times such as 10:30 and the contents of code, pre, script and style elements
are left exactly as they are. Pages in another language (their `<html lang>`) are not touched.
"""

from __future__ import annotations

import re

NARROW_NO_BREAK_SPACE = "\u202f"

# A tag (its quoted attribute values may hold ">"), a comment, or a doctype / processing instruction.
_MARKUP = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][\w:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|<[!?][^>]*>", re.S)
_VERBATIM = frozenset({"code", "pre", "script", "style", "textarea", "kbd", "samp", "math", "svg"})
"""Elements whose text is code or data, never prose."""
_UNTOUCHABLE = re.compile(
    r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);"  # a character reference: "&amp;" must keep its ";"
    r"|(?:https?|ftp|mailto):[^\s<>\"]*|www\.[^\s<>\"]+"  # a URL, whose ":" and "?" are not punctuation
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # an e-mail address
    re.IGNORECASE,
)
# A space before ; : ! ? (after a word, or at the start of a text run that follows an element).
_SPACE_BEFORE = re.compile(r"(?:(?<=\S)|^)[ \u00a0]+(?=[;:!?])")
# No space at all between a word and ; : ! ? that end it ("djihadistes?", "Fifa 2019:"): one goes in.
# Only before a space or the end of the text, so "10:30" and "3:1" keep their colon tight.
_NONE_BEFORE = re.compile(r"(?<=[^\W_])(?=[;:!?]+(?:[\s»)\]\"”’.,…]|$))")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
_LANGUAGE = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z]+)")


def typeset_page(html: str) -> str:
    """`html` with French typography when its `<html lang>` is French; as it is otherwise."""
    language = _LANGUAGE.search(html, 0, 1000)
    return typeset_html(html) if language and language.group(1).lower() == "fr" else html


def typeset_html(html: str) -> str:
    """French typography in the text of an HTML document or fragment (see the module's docstring)."""
    parts: list[str] = []
    verbatim = 0  # open code, pre, script... elements
    at = 0
    for tag in _MARKUP.finditer(html):
        text = html[at : tag.start()]
        parts.append(text if verbatim else typeset_text(text))
        parts.append(tag.group())
        name = (tag.group(2) or "").lower()
        if name in _VERBATIM and not tag.group().endswith("/>"):
            verbatim = max(0, verbatim - 1) if tag.group(1) else verbatim + 1
        at = tag.end()
    tail = html[at:]
    parts.append(tail if verbatim else typeset_text(tail))
    return "".join(parts)


def typeset_text(text: str) -> str:
    """French typography in plain text, character references and URLs left alone."""
    if not text or not any(mark in text for mark in ";:!?«»"):
        return text
    pieces: list[str] = []
    at = 0
    for kept in _UNTOUCHABLE.finditer(text):
        pieces.append(_typeset_run(text[at : kept.start()]))
        pieces.append(kept.group())
        at = kept.end()
    pieces.append(_typeset_run(text[at:]))
    return "".join(pieces)


def _typeset_run(run: str) -> str:
    run = _SPACE_BEFORE.sub(NARROW_NO_BREAK_SPACE, run)
    run = _NONE_BEFORE.sub(NARROW_NO_BREAK_SPACE, run)
    run = _AFTER_OPENING.sub("«" + NARROW_NO_BREAK_SPACE, run)
    return _BEFORE_CLOSING.sub(NARROW_NO_BREAK_SPACE + "»", run)
