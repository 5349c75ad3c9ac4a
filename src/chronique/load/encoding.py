"""An article file's bytes -> text: UTF-8, else the encoding the bytes are in, said in a warning.

French press exports are often Windows-1252 or Latin-1, Windows tools write UTF-16 with a byte
order mark, and files get pasted together from both (mixed). The same bytes always give the same
text: each line is read as UTF-8 when it is valid UTF-8 (a legacy line almost never is), the others
in the one encoding charset-normalizer finds for them, Windows-1252 whenever that reads them
plausibly or detection is unsure (short texts); only what is really binary is refused.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..model import InputError

Warnings = tuple[tuple[int, str], ...]
"""(line, message) pairs: see `Article.warnings`."""

# The four-byte marks first: UTF-32 LE starts with the UTF-16 LE mark.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
WESTERN = "cp1252"
"""What French (and Western European) exports use when not UTF-8; a superset of Latin-1's letters."""
# Control bytes no text encoding of a news article produces (tab, line and page breaks and the
# old DOS end-of-file mark aside): their presence in bytes that are not UTF-8 says binary.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")
_CONTROL_CHARACTERS = re.compile(_CONTROL_BYTES.pattern.decode("ascii"))


def decode(path: Path, data: bytes) -> tuple[str, Warnings]:
    """The text of `data`, with a warning when it was not UTF-8; InputError when it is not text."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise InputError(path, 1, f"invalid {codec.upper()} at byte {error.start}") from None
            return _text_only(path, text), ((1, f"not UTF-8: read as {codec.upper()} (byte order mark)"),)
    if b"\x00" in data:  # UTF-16 or UTF-32 without a byte order mark, or binary
        wide = from_bytes(data).best()
        if wide is None or not wide.encoding.startswith(("utf_16", "utf_32")):
            raise InputError(path, 1, "binary file, not an article")
        return _text_only(path, str(wide)), ((1, f"not UTF-8: read as {wide.encoding} (no byte order mark)"),)
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        return _decode_legacy(path, data.removeprefix(codecs.BOM_UTF8))


def _decode_legacy(path: Path, data: bytes) -> tuple[str, Warnings]:
    lines = data.splitlines(keepends=True)
    foreign = [number for number, line in enumerate(lines) if not _is_utf8(line)]
    encoding = guess_encoding(b"".join(lines[number] for number in foreign))
    if encoding is None:
        raise InputError(path, foreign[0] + 1, "binary file, not an article (not text in any encoding)")
    legacy = set(foreign)
    text = "".join(
        line.decode(encoding, errors="replace") if number in legacy else line.decode("utf-8")
        for number, line in enumerate(lines)
    )
    if all(line.isascii() for number, line in enumerate(lines) if number not in legacy):
        return text, ((1, f"not UTF-8: read as {encoding}"),)
    mixed = f"not UTF-8 on {len(foreign)} of {len(lines)} lines, from this one: read as {encoding}, the others as UTF-8"
    return text, ((foreign[0] + 1, mixed),)


def _text_only(path: Path, text: str) -> str:
    if match := _CONTROL_CHARACTERS.search(text):
        line = text.count("\n", 0, match.start()) + 1
        raise InputError(path, line, "binary file, not an article (control characters in text not in UTF-8)")
    return text


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def guess_encoding(data: bytes) -> str | None:
    """The encoding `data` (not UTF-8) is written in; None when it is not text.

    Windows-1252 when it reads the bytes plausibly (charset-normalizer's judgement), or when no
    language is recognised under any encoding: a short text fits many encodings equally well
    ("Café" is as plausible in Big5 as in Windows-1252), and the likely one is then Western.
    """
    if _CONTROL_BYTES.search(data):
        return None
    if from_bytes(data, cp_isolation=[WESTERN]).best() is not None:
        return WESTERN
    best = from_bytes(data).best()
    if best is not None and best.coherence > 0:  # a language was recognised in it
        return best.encoding
    try:
        data.decode(WESTERN)
    except UnicodeDecodeError:
        return best.encoding if best is not None else None
    return WESTERN
