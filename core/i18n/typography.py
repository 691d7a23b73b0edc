"""Punctuation per locale: French spaces before ``: ; ! ?``, label colons, one period after an abbreviation.

French sets a no-break space before a colon and inside « » everywhere; European French also sets a
narrow no-break space before ``; ! ?``, Québec French none. These spaces belong to the locale, like
a decimal comma: :func:`punctuate` applies them to every translation when the catalogues load, so a
catalogue never has to repeat a message only to move a space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.i18n.locales import parse_locale

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
_SPACES = f" {NBSP}{NARROW_NBSP}"

# A colon that ends a label or a clause: after a word, a closing mark or a placeholder, and followed
# by a space, a closing mark or the end (never inside "https://", "12:30" or "%(a)s:%(b)s").
_COLON = re.compile(rf"(?<=[\w)\]»”’])[{_SPACES}]?:(?=[\s»”\"')<]|$)")
# "? ! ;" after a word or closing mark, followed by a space, a closing mark or the end (not "?a=1",
# "&amp;", "<!--").
_HIGH_PUNCTUATION = re.compile(rf"(?<=[\w)\]»”’.])[{_SPACES}]?([?!;])(?=[\s»”\"')<?!]|$)")
_HIGH_PUNCTUATION_SPACED = re.compile(rf"(?<=[\w)\]»”’.?!])[{_SPACES}]([?!;])(?=[\s»”\"')<?!]|$)")
_ENTITY = re.compile(r"&#?\w+$")  # "&amp;" is not a semicolon of the sentence
_OPENING_GUILLEMET = re.compile(rf"«[{_SPACES}]?")
_CLOSING_GUILLEMET = re.compile(rf"[{_SPACES}]?»")


def is_french(locale: str) -> bool:
    """``fr``, ``fr_CA``, ``fr_BE``…"""
    return parse_locale(locale).language == "fr"


def punctuate(text: str, locale: str) -> str:
    """``text`` with the locale's spaces around punctuation (unchanged outside French)."""
    parsed = parse_locale(locale)
    if parsed.language != "fr":
        return text
    text = _COLON.sub(f"{NBSP}:", text)
    text = _OPENING_GUILLEMET.sub(f"«{NBSP}", text)
    text = _CLOSING_GUILLEMET.sub(f"{NBSP}»", text)
    quebec = parsed.territory == "CA"  # Québec sets no space before ; ! ?

    def space(match: re.Match[str]) -> str:
        if match.group(1) == ";" and _ENTITY.search(text, 0, match.start()):
            return match.group(0)
        return match.group(1) if quebec else f"{NARROW_NBSP}{match.group(1)}"

    return (_HIGH_PUNCTUATION_SPACED if quebec else _HIGH_PUNCTUATION).sub(space, text)


def colon(label: str, locale: str) -> str:
    """``Phone`` → ``Phone:``; ``Téléphone`` → ``Téléphone :`` (no-break space) in French.

    A label that already ends with a colon or a question mark gets nothing more.
    """
    stripped = label.rstrip(_SPACES)
    if stripped.endswith((":", "?")):
        return label
    return f"{stripped}{NBSP}:" if is_french(locale) else f"{stripped}:"


def end_sentence(text: str, variables: Mapping[str, Any]) -> str:
    """Drop the period after a placeholder whose value already ends with one (``5 p.m.`` + ``.``)."""
    for name, value in variables.items():
        if str(value).endswith("."):
            text = text.replace(f"%({name})s.", f"%({name})s")
    return text
