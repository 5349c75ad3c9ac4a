"""Small text helpers shared by the loader, the enrich stage and the search index."""

from __future__ import annotations

import unicodedata
from functools import cache

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


@cache
def _combining_marks() -> dict[int, None]:
    """A str.translate table deleting every combining mark, so folding runs at C speed."""
    # No code point above the Supplementary Multilingual Plane has a combining class.
    return {code: None for code in range(0x20000) if unicodedata.combining(chr(code))}


def fold(text: str) -> str:
    """Lower-case `text` and strip accents: "Sécurité" -> "securite", "Œuvre" -> "oeuvre"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return decomposed.translate(_combining_marks())
