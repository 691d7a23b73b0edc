"""OMICRON's look in library PDFs: colours (RGB), the built-in font, and text that font can draw."""

from __future__ import annotations

BLUE = (0, 59, 111)
ORANGE = (227, 114, 34)
GREY = (80, 92, 107)
FONT = "Helvetica"
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u202f": " "})


def plain(text: str) -> str:
    """Text the PDF's built-in font can draw (Latin-1)."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
