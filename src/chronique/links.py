"""The one allow-list of link targets: every URL an article puts in an `href` (and any field a theme
links, through the `safe_url` filter) goes through `safe_url`, so that no `javascript:`, `vbscript:`
or `data:` link ever reaches a page.

The URL is judged as a browser will read it (the WHATWG URL standard): leading and trailing C0
controls and spaces are stripped, ASCII tabs and newlines anywhere are removed, and the scheme is
compared regardless of case. "java\\tscript:" and " JavaScript:" are therefore `javascript:`.
"""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import unquote

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


PAGE_SUFFIXES = (".html", ".htm")
"""What an HTML page of the output ends with (an alias must name one; `chronique check` reads them as HTML)."""
RESERVED_FOLDERS = ("static", "search")
"""Output folders of the theme's assets and the search index, which no alias may write into."""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_UNSAFE_CHARACTER = re.compile(r"[\x00-\x1f\x7f\\]")
MAX_NAME_BYTES = 255


def alias_path(alias: str) -> str:
    """The output file that answers `alias`, an old URL path of a page relative to the site root:
    "/2016/03/old.html" -> "2016/03/old.html", "/old/path/" and "old/path" -> "old/path/index.html".
    Raises ValueError saying why an alias cannot be written (it would leave the output folder,
    name a hidden or reserved file, or is not a path a static host serves as a page)."""
    text = normalised_url(alias)
    if _SCHEME.match(text) or text.startswith("//"):
        raise ValueError("is a full URL: give its path from the site root, such as 2016/03/old-name.html")
    if "?" in text or "#" in text:
        raise ValueError("has a query or a fragment, which a static file cannot answer")
    path = unquote(text)  # a server looks for the file the %-escapes spell
    if _UNSAFE_CHARACTER.search(path):
        raise ValueError("holds a control character or a backslash")
    folder = path.endswith("/") or not splitext(path.rstrip("/"))[1]
    parts = path.strip("/").split("/") if path.strip("/") else []
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError("has an empty, '.' or '..' segment: it would leave the output folder")
    if any(part.startswith(".") or len(part.encode()) > MAX_NAME_BYTES for part in parts):
        raise ValueError("names a hidden file, or a name too long for a file system")
    if parts and parts[0] in RESERVED_FOLDERS:
        raise ValueError(f"is inside {parts[0]}/, which the theme or the search index fills")
    if folder:
        return "/".join([*parts, "index.html"])
    suffix = splitext(parts[-1])[1]
    if suffix.lower() not in PAGE_SUFFIXES:
        raise ValueError(f"ends in {suffix}: a static host serves only .html files and folders as pages")
    return "/".join(parts)


def safe_url_filter(value: object) -> str:
    """The `safe_url` template filter: a field a template links, or "" when it may not be linked."""
    return (safe_url(str(value)) or "") if value else ""
