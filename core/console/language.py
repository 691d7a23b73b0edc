"""Reading a tenant's words in the console: its plugins' catalogues, in the operator's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
