"""The one allow-list of link targets: every URL an article or site.yaml puts in an `href` or a `src`
goes through `safe_url`, so that no `javascript:`, `vbscript:` or `data:` link ever reaches a page.

The URL is judged as a browser will read it (the WHATWG URL standard): leading and trailing C0
controls and spaces are stripped, ASCII tabs and newlines anywhere are removed, and the scheme is
compared regardless of case. "java\\tscript:" and " JavaScript:" are therefore `javascript:`.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = frozenset({"http", "https"})
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
"""A URL's scheme as the standard parses it; without one, the URL is relative to the page."""


def normalised_url(url: str) -> str:
    """`url` as a browser reads it before parsing (no tab, newline, or surrounding control or space)."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def url_scheme(url: str) -> str:
    """The lower-case scheme of a normalised URL ("" for a relative one)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def safe_url(url: str) -> str | None:
    """`url`, normalised, when it is http, https or relative; None for any other scheme."""
    normalised = normalised_url(url)
    scheme = url_scheme(normalised)
    return normalised if not scheme or scheme in SAFE_SCHEMES else None


def safe_url_filter(value: object) -> str:
    """The `safe_url` template filter: a field a template links, or "" when it may not be linked."""
    return (safe_url(str(value)) or "") if value else ""
