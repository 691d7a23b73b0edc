"""Selling units of the catalogue ("roll", "box"…), shown in the reader's language.

The back office and the products import may give a unit as a code (``roll``) or as the French or
English word (``rouleau``, ``Roll``); a unit this module does not know (``m``) is shown as written.
"""

from __future__ import annotations

import unicodedata

from core.api import lazy_gettext

UNITS = {
    "unit": lazy_gettext("unit"),
    "roll": lazy_gettext("roll"),
    "box": lazy_gettext("box"),
    "pack": lazy_gettext("pack"),
}
WORDS = {
    "unit": ("unit", "unite", "each", "ea"),
    "roll": ("roll", "rouleau"),
    "box": ("box", "boite"),
    "pack": ("pack", "package", "paquet"),
}
_CODE_OF = {word: code for code, words in WORDS.items() for word in words}


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unit_code(value: str) -> str | None:
    """The code of a known unit written as a code or a word in French or English (``Boîte`` → ``box``)."""
    return _CODE_OF.get(_plain(value or ""))


def unit_label(value: str) -> str:
    """The unit in the active language; an unknown unit as written."""
    code = unit_code(value)
    return str(UNITS[code]) if code else value
