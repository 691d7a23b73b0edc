"""The locale and translations of the current request (or mail, or job), in context variables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from gettext import NullTranslations
from typing import Any, TypeVar

from babel.support import LazyProxy

from core.i18n.typography import end_sentence

K = TypeVar("K")

_locale: ContextVar[str] = ContextVar("portique_locale", default="en")
_NO_TRANSLATIONS = NullTranslations()
_translations: ContextVar[NullTranslations] = ContextVar("portique_translations", default=_NO_TRANSLATIONS)


def current_locale() -> str:
    """The active locale identifier (``fr_CA``, ``nl_BE``, ``en``…)."""
    return _locale.get()


def current_translations() -> NullTranslations:
    """The merged catalogs of the active locale."""
    return _translations.get()


def activate(locale: str, translations: NullTranslations) -> None:
    """Make ``locale`` active for the rest of the current context (a request's task)."""
    _locale.set(locale)
    _translations.set(translations)


@contextmanager
def use_locale(locale: str, translations: NullTranslations) -> Iterator[None]:
    """Make ``locale`` active inside the block (a mail rendered in its recipient's language)."""
    token_l = _locale.set(locale)
    token_t = _translations.set(translations)
    try:
        yield
    finally:
        _locale.reset(token_l)
        _translations.reset(token_t)


def gettext(message: str, **variables: Any) -> str:
    """Translate ``message`` into the active locale; ``%(name)s`` placeholders take ``variables``."""
    text = _translations.get().gettext(message)
    return end_sentence(text, variables) % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Translate a message with a plural form; ``%(num)s`` is ``n``."""
    variables.setdefault("num", n)
    return end_sentence(_translations.get().ngettext(singular, plural, n), variables) % variables


def pgettext(context: str, message: str, **variables: Any) -> str:
    """Translate ``message`` in a disambiguating ``context``."""
    text = _translations.get().pgettext(context, message)
    return end_sentence(text, variables) % variables if variables else text


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """A string translated when it is rendered (for labels defined at import time)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def translated(labels: Mapping[K, object]) -> dict[K, str]:
    """``labels`` (lazy translations or plain strings) as plain strings in the active locale.

    A page that shows a label per row hands the template this once, instead of translating (and
    escaping) the lazy label again in every row.
    """
    return {key: str(label) for key, label in labels.items()}
