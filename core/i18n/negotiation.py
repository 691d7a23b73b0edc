"""Choosing the locale of a request among the tenant's locales."""

from __future__ import annotations

from babel import UnknownLocaleError

from core.i18n.locales import parse_locale


def _parse_accept_language(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((-quality, index, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


def match_locale(candidate: str, available: list[str]) -> str | None:
    """The locale of ``available`` that serves ``candidate`` (same locale, else same language), if any."""
    try:
        wanted = parse_locale(candidate)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    for locale in available:
        if str(wanted) == locale:
            return locale
    for locale in available:
        if parse_locale(locale).language == wanted.language:
            return locale
    return None


def negotiate(
    available: list[str],
    default: str,
    *,
    preference: str | None = None,
    cookie: str | None = None,
    accept_language: str = "",
) -> str:
    """User preference → switcher cookie → Accept-Language → tenant default, within ``available``."""
    for candidate in (preference, cookie):
        if candidate:
            match = match_locale(candidate, available)
            if match:
                return match
    for candidate in _parse_accept_language(accept_language):
        match = match_locale(candidate, available)
        if match:
            return match
    return default if default in available else available[0]
