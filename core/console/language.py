"""Reading a tenant's words in the console: its plugins' catalogues and language names, in the operator's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from babel import Locale, UnknownLocaleError

from core.i18n import current_locale, use_locale
from core.portal import get_portal
from core.tenancy.models import Tenant


@contextmanager
def tenant_words(tenant: Tenant) -> Iterator[None]:
    """Inside the block, translations come from ``tenant``'s plugins and the core, in the console's language.

    The console itself only loads the core's catalogues; a provider plugin's importer label, import
    error or approval field is translated by its own catalogue.
    """
    locale = current_locale()
    with use_locale(locale, get_portal().translations(tenant, locale)):
        yield


def language_names(codes: set[str]) -> dict[str, str]:
    """Each language code's name in the reader's language (the code itself when Babel does not know it)."""
    names = {}
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(current_locale()) or code
        except (ValueError, UnknownLocaleError):
            name = code
        names[code] = name[:1].upper() + name[1:]
    return names
