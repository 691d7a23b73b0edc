"""Internationalisation: per-request locale, merged Babel catalogs, and locale-aware formatting."""

from core.i18n.context import (
    current_locale,
    gettext,
    lazy_gettext,
    ngettext,
    pgettext,
    translated,
    use_locale,
)

__all__ = ["current_locale", "gettext", "lazy_gettext", "ngettext", "pgettext", "translated", "use_locale"]
