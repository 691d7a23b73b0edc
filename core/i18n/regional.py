"""Regional catalogues (``fr_CA``, ``fr_BE``, ``en_CA``, ``nl_BE``): only what differs from the language.

A regional catalogue lives beside its language's (``locale/fr_CA/LC_MESSAGES/<domain>.po`` next to
``locale/fr/…``) and holds only the messages worded otherwise in that region; every other message
comes from the language's catalogue (for English, from the source text).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import UnknownLocaleError
from babel.messages.catalog import Catalog, Message

from core.i18n.locales import parse_locale

# Words only Québec uses: in a French catalogue read outside Canada, they belong in fr_CA.
QUEBEC_ONLY = re.compile(
    r"\b(courriels?|pourriels?|clavard\w*|magasin(?:er|age|ez|ons)\b|cellulaires?|infolettres?|fins? de semaine)\b",
    re.IGNORECASE,
)


def region_of(code: str) -> str | None:
    """The territory of a catalogue folder name (``fr_CA`` → ``CA``), ``None`` for a language (``fr``)."""
    try:
        return parse_locale(code).territory
    except (UnknownLocaleError, ValueError):
        return None


def base_language(code: str) -> str:
    """The language a regional catalogue falls back to (``fr_BE`` → ``fr``)."""
    return parse_locale(code).language


def regional_codes(locale_dir: Path, domain: str) -> list[str]:
    """The regional catalogues of ``domain`` present in ``locale_dir``, sorted."""
    found = (path.parent.parent.name for path in locale_dir.glob(f"*/LC_MESSAGES/{domain}.po"))
    return sorted(code for code in found if region_of(code))


def key(message: Message) -> str:
    """The singular msgid of a message (its identity in messages and reports)."""
    return message.id if isinstance(message.id, str) else str(message.id[0])


def strings(message: Message) -> tuple[str, ...]:
    """Every translated form of a message (one, or one per plural form)."""
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value or "",)


def keep_only_overrides(catalog: Catalog) -> list[str]:
    """Remove the messages the region does not reword (the update added every message); return the
    msgids of the regional wordings that were dropped because their message left the code."""
    for message in list(catalog):
        if message.id and not any(strings(message)):
            catalog.delete(message.id, context=message.context)
    dropped = [key(message) for message in catalog.obsolete.values() if any(strings(message))]
    catalog.obsolete.clear()
    return dropped


def as_source_language(template: Catalog) -> Catalog:
    """The extracted messages worded as English shows them without a catalogue (the msgids)."""
    english = Catalog(locale="en", domain=template.domain)
    for message in template:
        if message.id:
            english.add(message.id, message.id, context=message.context)
    return english


def problems(regional: Catalog, base: Catalog, code: str) -> list[str]:
    """What is wrong with a regional catalogue: incomplete or fuzzy wordings, messages its language
    does not have, and wordings equal to the language's (a regional catalogue holds only what differs)."""
    found = []
    language = base_language(code)
    for message in regional:
        if not message.id:
            continue
        if message.fuzzy or not all(strings(message)):
            found.append(f"{key(message)!r} is not fully translated")
            continue
        original = base.get(message.id, context=message.context)
        if original is None:
            found.append(f"{key(message)!r} is not a message of {language}")
        elif strings(message) == strings(original):
            found.append(f"{key(message)!r} is worded as in {language}: remove it from {code}")
    return found


def quebec_words(catalog: Catalog, code: str) -> list[str]:
    """Québec-only words in a French catalogue that other countries read (``fr``, ``fr_BE``…)."""
    if base_language(code) != "fr" or region_of(code) == "CA":
        return []
    found = []
    for message in catalog:
        words = sorted({match.group(0).lower() for text in strings(message) for match in QUEBEC_ONLY.finditer(text)})
        if message.id and words:
            found.append(f"{key(message)!r} says {', '.join(words)} (Québec only): word it for {code}, put it in fr_CA")
    return found
