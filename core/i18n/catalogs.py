"""Babel catalogs of every component, merged per locale and plugin set, cached for the process."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.support import Translations


def fallback_chain(locale: str) -> list[str]:
    """``fr_CA`` → ``["fr_CA", "fr"]``: a regional locale falls back to its language."""
    parsed = Locale.parse(locale)
    chain = [str(parsed)]
    if parsed.territory:
        chain.append(parsed.language)
    return chain


class Catalogs:
    """Gettext domains contributed by the core and the plugins (``portique_locale_dirs``)."""

    def __init__(self, domains: dict[str, tuple[str, Path]]) -> None:
        # domain -> (owning plugin, locale dir)
        self.domains = domains

    def translations(self, locale: str, plugins: Iterable[str]) -> Translations:
        """The merged translations of ``locale`` for the given enabled plugins."""
        return self._merged(locale, tuple(sorted(plugins)))

    @lru_cache(maxsize=512)  # noqa: B019 - one Catalogs per app, bounded cache
    def _merged(self, locale: str, plugins: tuple[str, ...]) -> Translations:
        merged = Translations()
        chain = fallback_chain(locale)
        # Core components first, then provider plugins, so a plugin may reword a core message.
        ordered = sorted(self.domains.items(), key=lambda item: (item[1][0] in plugins, item[0]))
        for domain, (owner, directory) in ordered:
            if owner not in plugins:
                continue
            catalog = Translations.load(str(directory), chain, domain)
            if isinstance(catalog, Translations):
                merged.merge(catalog)
        return merged
