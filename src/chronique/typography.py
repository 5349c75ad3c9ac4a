"""French typography for rendered pages: a narrow no-break space (U+202F) before « ; : ! ? » and
inside « guillemets », so that a line never starts with a lone "?" or "»".

It works on the text between tags only: markup, attribute values, character references, URLs,
e-mail addresses, times such as 10:30 and the contents of code, pre, script and style elements
are left exactly as they are. Pages in another language (their `<html lang>`) are not touched.
"""

from __future__ import annotations

import re

NARROW_NO_BREAK_SPACE = "\u202f"

# A comment, or a tag (its quoted attribute values may hold ">"), doctype or processing instruction:
# split on it, a page is its text at even indexes and its markup at odd ones.
_MARKUP = re.compile(r"(<!--.*?-->|<[!?/]?[A-Za-z](?:[^>\"']+|\"[^\"]*\"|'[^']*')*>)", re.S)
_MARKS = re.compile("[;:!?«»]")
# Elements whose text is code or data, never prose, from the opening tag to the matching closing one.
_VERBATIM = re.compile(r"(<(code|pre|script|style|textarea|kbd|samp|math|svg)\b[^>]*>.*?</\2\s*>)",
                       re.S | re.IGNORECASE)
# A URL, whose ":" and "?" are not punctuation, or an e-mail address.
_ADDRESS = re.compile(r"(?:https?|ftp|mailto):[^\s<>\"]*|www\.[^\s<>\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
                      re.IGNORECASE)
_ADDRESS_HINTS = ("://", "www.", "mailto:", "@")
"""Substrings without which a text holds no address: the address pattern would try every position."""
# A space before ; : ! ? (the first space of a run is after a word, or starts the text).
_SPACE_BEFORE = re.compile(r"[ \u00a0]+(?=[;:!?])")
# No space at all between a word and : ! ? that end it ("djihadistes?", "Fifa 2019:"): one goes in.
# Only before a space or the end of the text, so "10:30" and "3:1" keep their colon tight; not before
# ";", which also ends the character references of the text ("&amp; ", "&#39;").
_NONE_BEFORE = re.compile(r"(?<=[^\W_])(?=[:!?]+(?:[\s»)\]\"”’.,…]|$))")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
_LANGUAGE = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z]+)")


def typeset_page(html: str) -> str:
    """`html` with French typography when its `<html lang>` is French; as it is otherwise."""
    language = _LANGUAGE.search(html, 0, 1000)
    return typeset_html(html) if language and language.group(1).lower() == "fr" else html


def typeset_html(html: str) -> str:
    """French typography in the text of an HTML document or fragment (see the module's docstring)."""
    pieces = _VERBATIM.split(html)  # prose, verbatim element, its name, prose...
    pieces[::3] = [_typeset_markup(prose) for prose in pieces[::3]]
    return "".join(piece for index, piece in enumerate(pieces) if index % 3 != 2)


def _typeset_markup(html: str) -> str:
    parts = _MARKUP.split(html)
    parts[::2] = [typeset_text(text) if _MARKS.search(text) else text for text in parts[::2]]
    return "".join(parts)


def typeset_text(text: str) -> str:
    """French typography in the text of HTML (character references left alone), addresses left alone."""
    if not _MARKS.search(text):
        return text
    if not any(hint in text for hint in _ADDRESS_HINTS):
        return _typeset_run(text)
    pieces: list[str] = []
    at = 0
    for kept in _ADDRESS.finditer(text):
        pieces.append(_typeset_run(text[at : kept.start()]))
        pieces.append(kept.group())
        at = kept.end()
    pieces.append(_typeset_run(text[at:]))
    return "".join(pieces)


def _typeset_run(run: str) -> str:
    # Each rule only where its marks are: the regular expressions would try every position.
    if any(mark in run for mark in ";:!?"):
        run = _NONE_BEFORE.sub(NARROW_NO_BREAK_SPACE, _SPACE_BEFORE.sub(NARROW_NO_BREAK_SPACE, run))
    if "«" in run:
        run = _AFTER_OPENING.sub("«" + NARROW_NO_BREAK_SPACE, run)
    if "»" in run:
        run = _BEFORE_CLOSING.sub(NARROW_NO_BREAK_SPACE + "»", run)
    return run
