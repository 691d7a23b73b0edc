"""What the Customer Area knows about: product families, topics, document types, countries."""

from __future__ import annotations

from babel import Locale

from core.api import current_locale, lazy_gettext

FAMILIES: dict[str, tuple[str, ...]] = {
    "cpc": ("CPC 100", "CPC 80"),
    "cmc": ("CMC 356", "CMC 430"),
    "testrano": ("TESTRANO 600",),
    "cibano": ("CIBANO 500",),
    "mpd": ("MPD 800",),
    "dirana": ("DIRANA",),
    "franeo": ("FRANEO 800",),
    "compano": ("COMPANO 100",),
}
"""Product family code → products of the family."""

FAMILY_LABELS: dict[str, str] = {
    "cpc": "CPC",
    "cmc": "CMC",
    "testrano": "TESTRANO",
    "cibano": "CIBANO",
    "mpd": "MPD",
    "dirana": "DIRANA",
    "franeo": "FRANEO",
    "compano": "COMPANO",
}

TOPICS: dict[str, object] = {
    "protection": lazy_gettext("Protection testing"),
    "transformers": lazy_gettext("Power transformers"),
    "breakers": lazy_gettext("Circuit breakers"),
    "instrument": lazy_gettext("Instrument transformers"),
    "rotating": lazy_gettext("Rotating machines"),
    "partial_discharge": lazy_gettext("Partial discharge"),
    "cables": lazy_gettext("Cables"),
    "substation": lazy_gettext("Substation automation"),
}

DOC_TYPES: dict[str, object] = {
    "manual": lazy_gettext("User manual"),
    "application_note": lazy_gettext("Application note"),
    "paper": lazy_gettext("Technical paper"),
    "video": lazy_gettext("Video"),
    "article": lazy_gettext("Article"),
}

LANGUAGES: dict[str, object] = {
    "en": lazy_gettext("English"),
    "de": lazy_gettext("German"),
    "fr": lazy_gettext("French"),
}

EVENT_KINDS: dict[str, object] = {"event": lazy_gettext("Event"), "training": lazy_gettext("Training")}

COUNTRY_CODES: tuple[str, ...] = (
    "AT", "BE", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "HU", "IE", "IT", "LU", "NL", "NO", "PL",
    "PT", "SE", "SK", "US",
)  # fmt: skip


def family_of(product: str) -> str | None:
    """The family code of a product name (``"CPC 100"`` → ``"cpc"``), or ``None``."""
    for code, products in FAMILIES.items():
        if product in products:
            return code
    return None


def country_choices() -> list[tuple[str, str]]:
    """(code, name in the current language) of the countries, sorted by name."""
    names = Locale.parse(current_locale()).territories
    return sorted(((code, names.get(code, code)) for code in COUNTRY_CODES), key=lambda item: item[1])


def country_name(code: str) -> str:
    """The name of a country in the current language."""
    return str(Locale.parse(current_locale()).territories.get(code, code))
