"""Parsed locales, reused: Babel's ``Locale.parse`` costs more than most uses of its result."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale


@lru_cache(maxsize=256)
def parse_locale(identifier: str) -> Locale:
    """``Locale.parse(identifier)``, once per identifier (raises as it does for an unknown one)."""
    return Locale.parse(identifier)
