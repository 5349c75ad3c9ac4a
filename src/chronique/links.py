"""The one allow-list of link targets: every URL an article puts in an `href` (and any field a theme
links, through the `safe_url` filter) goes through `safe_url`, so that no `javascript:`, `vbscript:`
or `data:` link ever reaches a page.

The URL is judged as a browser will read it (the WHATWG URL standard): leading and trailing C0
controls and spaces are stripped, ASCII tabs and newlines anywhere are removed, and the scheme is
compared regardless of case. "java\\tscript:" and " JavaScript:" are therefore `javascript:`.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SEGMENT_END = re.compile("[/?#]")


def normalised_url(url: str) -> str:
    """`url` as a browser reads it before parsing (no tab, newline, or surrounding control or space)."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def safe_url(url: str) -> str | None:
    """`url`, normalised, when it is http, https or relative; None for any other scheme.

    A colon in the first segment (before any "/", "?" or "#") ends a scheme: a relative reference
    never has one there (RFC 3986, 4.2). So an unknown or malformed scheme ("\u200bjavascript:")
    is refused too, rather than trusted to be read as a relative path."""
    normalised = normalised_url(url)
    scheme, colon, _ = _SEGMENT_END.split(normalised, maxsplit=1)[0].partition(":")
    return normalised if not colon or scheme.lower() in SAFE_SCHEMES else None


def safe_url_filter(value: object) -> str:
    """The `safe_url` template filter: a field a template links, or "" when it may not be linked."""
    return (safe_url(str(value)) or "") if value else ""
