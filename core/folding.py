"""Text as people type it (any keyboard, any phone), folded to what the readers match."""

from __future__ import annotations

import unicodedata

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def fold(text: str) -> str:
    """NFKC (full-width letters, odd spaces) and every Unicode dash as '-'."""
    text = unicodedata.normalize("NFKC", text)
    for dash in DASHES:
        text = text.replace(dash, "-")
    return text
