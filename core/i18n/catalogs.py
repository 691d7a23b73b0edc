"""Babel catalogs of every component, merged per locale and plugin set, cached for the process.

A language's catalogue (``fr``) is complete; a regional one beside it (``fr_CA``, ``fr_BE``,
``en_CA``, ``nl_BE``) holds only the messages whose wording differs in that region and is read
over it. English has no base catalogue: its messages are the source text.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from gettext import c2py
from pathlib import Path

from babel import Locale
from babel.messages.plurals import get_plural
from babel.support import Translations

from core.i18n.typography import punctuate


def fallback_chain(locale: str) -> list[str]:
    """``fr_CA`` → ``["fr_CA", "fr"]``: a regional locale falls back to its language."""
    parsed = Locale.parse(locale)
    chain = [str(parsed)]
    if parsed.territory:
        chain.append(parsed.language)
    return chain


def catalog_path(directory: Path, locale: str, domain: str, suffix: str = ".mo") -> Path:
    """``<locale dir>/<locale>/LC_MESSAGES/<domain>.mo`` (or ``.po``)."""
    return directory / locale / "LC_MESSAGES" / f"{domain}{suffix}"


def load_catalog(directory: Path, code: str, domain: str) -> Translations | None:
    """The compiled catalogue of exactly ``code`` (``fr_CA`` never falls back to ``fr`` here)."""
    path = catalog_path(directory, code, domain)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return Translations(handle, domain)


class Catalogs:
    """Gettext domains contributed by the core and the plugins (their ``locale`` folders)."""

    def __init__(self, domains: dict[str, tuple[str, Path]], defaults: Iterable[str] = ()) -> None:
        # domain -> (owning plugin, locale dir); defaults: the core's own components
        self.domains = domains
        self.defaults = frozenset(defaults)

    def translations(self, locale: str, plugins: Iterable[str]) -> Translations:
        """The merged translations of ``locale`` for the given enabled plugins."""
        return self._merged(locale, tuple(sorted(plugins)))

    @lru_cache(maxsize=512)  # noqa: B019 - one Catalogs per app, bounded cache
    def _merged(self, locale: str, plugins: tuple[str, ...]) -> Translations:
        merged = Translations()
        # Plural forms follow the locale's rule (French: 0 and 1 are singular), whatever was merged.
        plural = c2py(get_plural(locale).plural_expr)
        merged.plural = lambda n: plural(int(n))
        # Layers, each over the previous: the core's catalogues, then the provider plugins' (so a plugin
        # may reword a core message); in each, the language's then the region's (fr, then fr_CA).
        enabled = sorted(
            (domain, owner, directory) for domain, (owner, directory) in self.domains.items() if owner in plugins
        )
        core = [(domain, directory) for domain, owner, directory in enabled if owner in self.defaults]
        providers = [(domain, directory) for domain, owner, directory in enabled if owner not in self.defaults]
        for tier in (core, providers):
            for code in reversed(fallback_chain(locale)):
                for domain, directory in tier:
                    catalog = load_catalog(directory, code, domain)
                    if catalog is not None:
                        merged.merge(catalog)
        for message_key, text in merged._catalog.items():
            if message_key:  # the header has the empty key
                merged._catalog[message_key] = punctuate(text, locale)
        return merged
