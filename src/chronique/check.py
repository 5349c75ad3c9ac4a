"""`chronique check`: a built site as readers, feed readers and the last build would find it.

- Every internal link and asset of every HTML page (href, src, srcset, form action, poster, a meta
  refresh's url), of the stylesheets (url(), @import), of the feeds and the sitemap, names a file of
  the output, as a browser resolves it from disk: a root-absolute link (`/x.html`) and a link to a
  folder break from file:// and are problems; a fragment (`#id`) names an id of its HTML page. An
  absolute URL under the site's `base_url` is internal too (a canonical link, a sitemap's <loc>);
  it is served over HTTP, so a folder there means its index.html.
- A page with a <base href> resolves its links against it, as a browser does. The theme's 404 page
  has one (the site's root: base_url, else "/"), for a server shows it at any depth: its links are
  checked from the site's root, served (a root-absolute or absolute base outside the site is a problem).
- Every XML file parses; an Atom feed has its id, title and updated, and so do its entries, each with
  a link; a sitemap's <url>s each have an absolute <loc> inside the site.
- The output holds the files the last build's manifest lists, with the bytes it wrote
  (`FileRecord.digest`): a file edited by hand or missing is a problem. A file the build did not
  write (a CNAME, a .nojekyll, a verification file put there by hand) is one the build leaves
  alone: it is counted in the summary, not a problem, and its links are checked like the others.

Problems are `path:line: what is wrong` (`path: …` for a whole file), sorted.
"""

from __future__ import annotations

import errno
import html
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from .build import BuildRequest, count, manifest_path
from .links import PAGE_SUFFIXES as HTML_SUFFIXES
from .model import printable
from .regularfile import read_regular_file
from .write import file_digest, read_manifest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(frozen=True, slots=True, order=True)
class SiteProblem:
    path: str
    """Relative to the output folder, in POSIX form."""
    line: int
    """0: the file as a whole."""
    message: str

    def located(self, output: Path) -> str:
        """The problem on one line, the file named under `output` as the user gave it."""
        where = f"{output / self.path}:{self.line}" if self.line else str(output / self.path)
        return printable(f"{where}: {self.message}")


@dataclass(frozen=True, slots=True)
class CheckReport:
    files: int
    problems: tuple[SiteProblem, ...]
    added: tuple[str, ...] = ()
    """Files the last build did not write (put there by hand), which builds leave alone."""

    def summary(self) -> str:
        found = f"{count(len(self.problems), 'problem')} in " if self.problems else ""
        checked = f"{found}{count(self.files, 'file')} checked" + ("" if self.problems else ", no problem")
        if self.added:
            shown = ", ".join(self.added[:3]) + (", …" if len(self.added) > 3 else "")
            checked += f" ({len(self.added)} not written by the build, left alone: {shown})"
        return checked


def check_site(request: BuildRequest) -> CheckReport:
    """Check the site in `request.output` (see the module's docstring) against the manifest its
    builds keep in `request.cache`, with site.yaml's base_url. Raises OSError naming the output
    folder when it cannot be listed, InputError for a site.yaml that does not load."""
    base_url = request.site_config().base_url
    files = _files_of(request.output)
    site = _Site(files, base_url)
    manifest, _ = read_manifest(manifest_path(request))
    problems: list[SiteProblem] = []
    if not manifest:
        problems.append(SiteProblem(
            "", 0, f"no manifest of a build into this folder in {request.cache}: cannot tell a file edited, "
            "missing or added (build it first, or pass the --cache it was built with)"
        ))
    for path in sorted(set(manifest) - set(files)):
        problems.append(SiteProblem(path, 0, "missing: the last build wrote it"))
    for path in files:
        record = manifest.get(path)
        try:
            data = read_regular_file(request.output / path)
        except OSError as error:
            problems.append(SiteProblem(path, 0, f"cannot be read: {error.strerror or error}"))
            continue
        if record is not None and record.digest != file_digest(data):
            problems.append(SiteProblem(path, 0, "changed since the build wrote it"))
        problems += site.read(path, data)
    problems += site.resolve_links()
    added = tuple(path for path in files if path not in manifest) if manifest else ()
    return CheckReport(len(files), tuple(sorted(problems)), added)


def _files_of(output: Path) -> list[str]:
    """Every entry of `output` but its folders (links to folders included), sorted, as POSIX paths."""
    if not output.is_dir():
        number, reason = (errno.ENOTDIR, "not a folder") if output.exists() else (errno.ENOENT, "no such folder")
        raise OSError(number, f"cannot check the output folder: {reason}", str(output))
    found = []

    def refuse(error: OSError) -> None:
        raise OSError(error.errno, f"cannot read the output folder: {error.strerror}", error.filename)

    for folder, folders, names in os.walk(output, onerror=refuse):
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        links = [name for name in folders if os.path.islink(os.path.join(folder, name))]
        found += [prefix + name for name in (*names, *links)]
    return sorted(found)


class _Link(NamedTuple):  # a tuple: a large site has half a million, made 4 times faster than a frozen dataclass
    source: str
    line: int
    url: str
    folder: str
    """The folder a relative URL starts from: the source's, or its <base>'s ("" for the site's root)."""
    document: str
    """What a URL with no path (`#main`, `?q=`) names: the source itself, or its <base>."""
    served: bool = False
    """Resolved against a root-absolute or absolute <base>: the page only works served over HTTP,
    where a folder shows its index.html."""
    what: str = "link"
    inside: bool = False
    """Must name a file of the site even when absolute (a sitemap's URLs)."""


@dataclass(slots=True)
class _Site:
    """The links and ids of the files read so far, then whether the links resolve."""

    files: list[str]
    base_url: str
    paths: set[str] = field(init=False)
    folders: set[str] = field(init=False)
    ids: dict[str, set[str]] = field(default_factory=dict)
    links: list[_Link] = field(default_factory=list)
    verdicts: dict[tuple[str, str, str, bool, bool], str] = field(default_factory=dict)
    """What `_wrong` says of a link, by what it depends on: pages share most links (a third of the time)."""

    def __post_init__(self) -> None:
        self.paths = set(self.files)
        self.folders = {posixpath.dirname(path) for path in self.files}
        self.folders |= {parent for folder in self.folders for parent in _parents(folder)}

    def read(self, path: str, data: bytes) -> list[SiteProblem]:
        """Take note of the links (and ids) of one file; problems of the file itself."""
        suffix = posixpath.splitext(path)[1].lower()
        folder = posixpath.dirname(path)
        if suffix in HTML_SUFFIXES:
            return self._read_page(path, data)
        if suffix == ".xml":
            return self._read_xml(path, data)
        if suffix == ".css":
            css = data.decode("utf-8", "replace")
            self.links += [_Link(path, line, url, folder, path, what=what) for line, what, url in _css_links(css)]
        elif path == "robots.txt":
            for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
                name, _, url = line.partition(":")
                if name.strip().lower() == "sitemap":
                    self.links.append(_Link(path, number, url.strip(), "", path, what="Sitemap:", inside=True))
        return []

    def _read_page(self, path: str, data: bytes) -> list[SiteProblem]:
        problems = []
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(SiteProblem(path, 0, f"not UTF-8 (byte {error.start})"))
            text = data.decode("utf-8", "replace")
        page = _parse_page(text)
        self.ids[path] = page.ids
        folder, document, served = posixpath.dirname(path), path, False
        if page.base is not None:
            line, href = page.base
            parts = urlsplit(href)
            served = bool(parts.scheme or parts.netloc or parts.path.startswith("/"))
            document = self._site_path(href) if served else _joined(folder, unquote(parts.path))
            if document is None:
                return [*problems, SiteProblem(path, line, f"<base href> {href}: outside the site, "
                                                          "so are the page's links")]
            names_folder = document == "" or document.endswith("/") or document in self.folders
            folder = document.rstrip("/") if names_folder else posixpath.dirname(document)
        self.links += [_Link(path, line, url, folder, document, served, what) for line, what, url in page.links]
        return problems

    def _read_xml(self, path: str, data: bytes) -> list[SiteProblem]:
        try:
            root = ET.fromstring(data)
        except ET.ParseError as error:
            return [SiteProblem(path, error.position[0], f"not well-formed XML: {error}")]
        if root.tag == f"{ATOM}feed":
            return self._read_feed(path, root)
        if root.tag == f"{SITEMAP}urlset":
            return self._read_sitemap(path, root)
        return []

    def _read_feed(self, path: str, feed: ET.Element) -> list[SiteProblem]:
        missing = _missing(feed, "id", "title", "updated")
        problems = [SiteProblem(path, 0, f"the feed has no <{name}>") for name in missing]
        folder = posixpath.dirname(path)
        for element in feed.iter(f"{ATOM}link"):
            self.links.append(_Link(path, 0, element.get("href", ""), folder, path, what="<link>"))
        for number, entry in enumerate(feed.findall(f"{ATOM}entry"), start=1):
            missing = _missing(entry, "id", "title", "updated", "link")
            problems += [SiteProblem(path, 0, f"entry {number} has no <{name}>") for name in missing]
        return problems

    def _read_sitemap(self, path: str, urlset: ET.Element) -> list[SiteProblem]:
        problems = []
        for number, entry in enumerate(urlset.findall(f"{SITEMAP}url"), start=1):
            loc = (entry.findtext(f"{SITEMAP}loc") or "").strip()
            if urlsplit(loc).scheme:
                self.links.append(_Link(path, 0, loc, "", path, what="<loc>", inside=True))
            else:
                problems.append(SiteProblem(path, 0, f"<url> {number}: <loc> {loc!r} is not an absolute URL"))
        return problems

    def resolve_links(self) -> list[SiteProblem]:
        problems = []
        for link in self.links:
            itself = link.document if link.url[:1] in ("", "#", "?") else ""
            key = (link.url, link.folder, itself, link.served, link.inside)
            wrong = self.verdicts.get(key)
            if wrong is None:
                wrong = self.verdicts[key] = self._wrong(link)
            if wrong:
                problems.append(SiteProblem(link.source, link.line, f"{link.what} {link.url}: {wrong}"))
        return problems

    def _wrong(self, link: _Link) -> str:
        """What is wrong with `link`, "" when it resolves or leaves the site (as a link may)."""
        parts = urlsplit(link.url)
        served = link.served
        if parts.scheme or parts.netloc:
            target = self._site_path(link.url)
            if target is None:
                return "outside the site" if link.inside else ""
            served = True
        elif parts.path.startswith("/"):
            return "root-absolute: breaks when the site is opened from disk"
        elif not parts.path:
            target = link.document
        else:
            target = _joined(link.folder, unquote(parts.path))
            if target is None:
                return "leaves the site"
        if target == "" or target.endswith("/") or target in self.folders:
            if not served:
                return "names a folder: opened from disk, a browser lists it instead of showing its index.html"
            target = posixpath.join(target.rstrip("/"), "index.html")
        if target not in self.paths:
            return "no such file"
        fragment = unquote(parts.fragment)
        if fragment and target.endswith(HTML_SUFFIXES) and fragment.lower() != "top":
            ids = self.ids.get(target, set())
            if fragment not in ids and parts.fragment not in ids:
                return f"no id {fragment!r} in {target}"
        return ""

    def _site_path(self, url: str) -> str | None:
        """The path in the site of an absolute URL under base_url, or of a root-absolute one under
        base_url's path ("/" without one); "" or ending in "/" for a folder; None outside the site."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            root = self.base_url
            if not root or not (url + "/").startswith(root):
                return None
        else:
            root = urlsplit(self.base_url).path if self.base_url else "/"
            if not (parts.path + "/").startswith(root):
                return None
        rest = unquote(re.split(r"[?#]", url[len(root):], maxsplit=1)[0]) if len(url) > len(root) else ""
        return _joined("", rest) if rest else ""


def _joined(folder: str, path: str) -> str | None:
    """`path` relative to `folder`, normalised, with its trailing slash (it names a folder); None
    when it climbs out of the site."""
    joined = posixpath.normpath(posixpath.join(folder, path))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined + "/" if path.endswith("/") else joined


def _parents(folder: str) -> Iterator[str]:
    while folder:
        folder = posixpath.dirname(folder)
        yield folder


def _missing(element: ET.Element, *names: str) -> list[str]:
    return [name for name in names if element.find(f"{ATOM}{name}") is None]


# --- HTML ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ParsedPage:
    links: list[tuple[int, str, str]]
    """(line, what, URL) of each link or asset, in order."""
    ids: set[str]
    """The fragments the page answers to: its ids, and the names of its <a>."""
    base: tuple[int, str] | None
    """(line, href) of its first <base href>."""


# A scanner of the markup rather than html.parser: a 10,000-article site's 12,500 pages take 3 s of
# CPU to scan against 13 s to parse (html.parser spends its time on each tag and text run; a
# scanner that stops at each tag, 5.7 s). A link checker needs only the start tags that carry a
# link or an id, and must skip what a browser skips: comments, and the text of raw-text elements
# (script, style, ...), where "<a href" is no link. So one anchored match consumes, in C, the text,
# comments, end tags and start tags without such an attribute up to the next tag worth a look.
_VALUE = r"""(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?"""
_ATTRIBUTES = rf"""(?> \s+ | / | [^\s/>"'=][^\s/>=]*{_VALUE} | ["'=][^\s/>]* )*"""
_WANTED = r"""(?:href|src|srcset|action|poster|id|name|http-equiv)(?=[\s/>=])"""
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_RAW = rf"""(?:{"|".join(_RAW_TEXT)})(?=[\s/>])"""
_NEXT_TAG = re.compile(
    rf"""
    (?: [^<]+                                             # text
      | <!--.*?(?:-->|\Z) | <!\[CDATA\[.*?(?:\]\]>|\Z)     # a comment, CDATA
      | <[!?/][^>]*>?                                     # a doctype, an end tag
      | <(?!{_RAW})[a-zA-Z][^\s/>]*                       # a start tag none of whose attributes is wanted
        (?> \s+ | / | (?!{_WANTED})[^\s/>"'=][^\s/>=]*{_VALUE} | ["'=][^\s/>]* )*+ >
      | <(?![a-zA-Z!?/])                                  # a "<" that starts nothing
    )*+
    (?: <(?P<tag>[a-zA-Z][^\s/>]*)(?P<attributes>{_ATTRIBUTES})> | \Z )
    """,
    re.DOTALL | re.IGNORECASE | re.VERBOSE,
)
_ATTRIBUTE = re.compile(r"""([^\s/>][^\s/>=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_RAW_END = {tag: re.compile(rf"</{tag}[\s/>]", re.IGNORECASE) for tag in _RAW_TEXT}
_LINK_ATTRIBUTES = ("href", "src", "action", "poster")
_REFRESH = re.compile(r"""\s*[\d.]+\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(?P<url>.*?)\1\s*$""", re.IGNORECASE | re.DOTALL)
_SRCSET_URL = re.compile(r"[\s,]*(\S*)")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)|@import\s+(['"])(?P<imported>[^'"]*)\3""")


def _parse_page(text: str) -> _ParsedPage:
    """The links, ids and <base> of an HTML page, as a browser's tokenizer reads its start tags."""
    links: list[tuple[int, str, str]] = []
    ids: set[str] = set()
    base = None
    line, counted, at = 1, 0, 0
    while (match := _NEXT_TAG.match(text, at)) and match["tag"] is not None:
        at = match.end()
        tag = match["tag"].lower()
        start = match.start("tag") - 1
        line += text.count("\n", counted, start)
        counted = start
        values = _attributes(match["attributes"])
        if "id" in values:
            ids.add(values["id"])
        if tag == "a" and "name" in values:
            ids.add(values["name"])
        if tag == "base":
            if base is None and "href" in values:
                base = (line, values["href"])
        else:
            links += [(line, f"<{tag} {name}>", values[name]) for name in _LINK_ATTRIBUTES if name in values]
            if "srcset" in values:
                links += [(line, f"<{tag} srcset>", url) for url in _srcset_urls(values["srcset"])]
            if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
                refresh = _REFRESH.match(values.get("content", ""))
                if refresh and refresh["url"]:
                    links.append((line, "<meta refresh>", refresh["url"]))
        if tag in _RAW_END:
            end = _RAW_END[tag].search(text, at)
            content_end = end.start() if end else len(text)
            if tag == "style":
                first = line + text.count("\n", counted, at)
                links += [(first + number - 1, what, url) for number, what, url in _css_links(text[at:content_end])]
            at = content_end
    return _ParsedPage(links, ids, base)


def _attributes(source: str) -> dict[str, str]:
    """Attribute name (lower case) -> value with its character references decoded; the first of
    a repeated name wins, as in a browser."""
    values: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(source):
        value = double or single or bare
        values.setdefault(name.lower(), html.unescape(value) if "&" in value else value)
    return values


def _srcset_urls(srcset: str) -> list[str]:
    """The URLs of a srcset: each candidate is a URL, then descriptors up to a comma (a URL's own
    trailing commas end its candidate)."""
    urls, at = [], 0
    while at < len(srcset):
        match = _SRCSET_URL.match(srcset, at)
        assert match is not None  # the pattern matches the empty string
        url, at = match[1], match.end()
        if not url:
            break
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = srcset.find(",", at)
            at = len(srcset) if comma < 0 else comma + 1
        urls.append(url)
    return urls


def _css_links(css: str) -> list[tuple[int, str, str]]:
    """(line, what, URL) of each url() and @import of a stylesheet."""
    links = []
    for match in _CSS_URL.finditer(css):
        imported = match["url"] is None
        url = (match["imported"] if imported else match["url"]).strip()
        if url:
            links.append((1 + css.count("\n", 0, match.start()), "@import" if imported else "url()", url))
    return links
