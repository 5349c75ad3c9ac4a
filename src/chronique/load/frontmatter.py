"""Front matter: YAML between "---", TOML between "+++" (Hugo), Pelican "Key: value" headers.

Each parser returns the header as ordered (key, value) items plus a way to find a key's
line, so that every later complaint points at the right line of the file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model import InputError

_PELICAN_KEY = re.compile(r" {0,3}(?P<key>[A-Za-z0-9_-]+)\s*:\s*(?P<value>.*)")
_PELICAN_TITLE = re.compile(r"title\s*:\s*\S", re.IGNORECASE)
_TOML_WHERE = re.compile(r"\s*\(at (?:line (?P<line>\d+), column \d+|end of document)\)")
_TOML_TABLE = re.compile(r"\s*\[")


@dataclass(frozen=True, slots=True)
class Header:
    items: tuple[tuple[str, Any], ...]
    body: str
    """The Markdown after the header."""
    body_line: int
    """1-based line of the file where `body` starts."""
    key_line: Callable[[str], int]
    """1-based line of a header key (the header's first line when not found)."""
    pelican: bool = False


def opens_front_matter(lines: list[str]) -> str | None:
    """The delimiter ("---" or "+++") when the first line opens front matter."""
    first = lines[0].rstrip() if lines else ""
    return first if first in ("---", "+++") else None


def is_pelican(lines: list[str]) -> bool:
    return bool(lines) and _PELICAN_TITLE.match(lines[0]) is not None


def _finder(lines: list[str], first: int, last: int, separator: str) -> Callable[[str], int]:
    """Key -> line, by looking for the key at the start of a top-level line of the header."""

    def key_line(key: str) -> int:
        pattern = re.compile(rf"""["']?{re.escape(key)}["']?\s*{separator}""", re.IGNORECASE)
        for index in range(first, last):
            if separator == "=" and _TOML_TABLE.match(lines[index]):
                break
            if pattern.match(lines[index]):
                return index + 1
        return first + 1

    return key_line


def _closing(path: Path, lines: list[str], delimiter: str) -> int:
    closers = ("---", "...") if delimiter == "---" else ("+++",)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in closers:
            return index
    raise InputError(path, 1, f"front matter opened with '{delimiter}' is never closed")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader (libyaml's C parser when present: ten times faster) whose impossible timestamps
    ("2024-02-31") are located errors, not bare ValueErrors."""


class _ImpossibleDate(yaml.constructor.ConstructorError):
    """Well-formed YAML holding a date that does not exist: reported as a date error, not a YAML one."""


def _timestamp(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise _ImpossibleDate(None, None, f"impossible date '{node.value}': {exc}", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _yaml_error_line(exc: yaml.YAMLError, header: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    position = getattr(exc, "position", None)  # ReaderError: a character offset
    return header[:position].count("\n") + 1 if isinstance(position, int) else 1


def _not_mapping(path: Path, line: int, found: object) -> InputError:
    kind = type(found).__name__
    return InputError(path, line, f"front matter must be a mapping of keys to values, not {kind}")


def parse_yaml(path: Path, lines: list[str]) -> Header:
    end = _closing(path, lines, "---")
    header = "\n".join(lines[1:end])
    try:
        data = yaml.load(header, Loader=_Loader)  # safe: _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        line = _yaml_error_line(exc, header) + 1  # the header starts on the file's second line
        message = problem if isinstance(exc, _ImpossibleDate) else f"invalid YAML in front matter: {problem}"
        raise InputError(path, line, message) from None
    except RecursionError:
        raise InputError(path, 2, "invalid YAML in front matter: nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        first = next((index for index in range(1, end) if lines[index].strip()), 1)
        raise _not_mapping(path, first + 1, data)
    return Header(
        items=tuple((str(key), value) for key, value in data.items()),
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
        key_line=_finder(lines, 1, end, ":"),
    )


def parse_toml(path: Path, lines: list[str]) -> Header:
    end = _closing(path, lines, "+++")
    try:
        data = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        # The TOML text starts on the file's second line; "end of document" is its last line.
        line = int(where.group("line")) + 1 if where and where.group("line") else max(end, 1)
        problem = _TOML_WHERE.sub("", message).strip()
        raise InputError(path, line, f"invalid TOML in front matter: {problem}") from None
    except RecursionError:
        raise InputError(path, 2, "invalid TOML in front matter: nested too deeply") from None
    return Header(
        items=tuple(data.items()),
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
        key_line=_finder(lines, 1, end, "="),
    )


def parse_pelican(lines: list[str]) -> Header:
    """Pelican's Markdown metadata: "Key: value" lines up to the first blank or non-header line.

    Indented lines continue the previous value, as in Python-Markdown's meta extension.
    """
    items: list[tuple[str, str]] = []
    index = 0
    while index < len(lines) and lines[index].strip():
        line = lines[index]
        if items and line.startswith(("    ", "\t")):
            key, value = items[-1]
            items[-1] = (key, f"{value} {line.strip()}".strip())
        elif match := _PELICAN_KEY.fullmatch(line):
            items.append((match.group("key"), match.group("value").strip()))
        else:
            break
        index += 1
    return Header(
        items=tuple(items),
        body="\n".join(lines[index:]),
        body_line=index + 1,
        key_line=_finder(lines, 0, index, ":"),
        pelican=True,
    )
