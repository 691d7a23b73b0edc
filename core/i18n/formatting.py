"""Locale-aware formatting of dates, numbers, money and phone numbers (Jinja filters too).

Dates, numbers and amounts repeat on a page (a monthly advance, the due dates of a year) and across
pages, and applying a Babel pattern costs tens of microseconds: their texts are kept per value,
format and locale. A datetime is printed from its local date and its hours and minutes, each kept
the same way, so a list of rows costs dictionary look-ups rather than a pattern per cell.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import phonenumbers
from babel import dates, numbers

from core.i18n.context import current_locale
from core.i18n.locales import parse_locale

TEXTS_KEPT = 4096  # formatted texts kept per kind (a few hundred kB at most)


@lru_cache(maxsize=TEXTS_KEPT)
def _date_text(value: date, fmt: str, locale: str) -> str:
    return dates.format_date(value, format=fmt, locale=parse_locale(locale))


@lru_cache(maxsize=TEXTS_KEPT, typed=True)
def _number_text(value: int | float | Decimal, digits: int | None, locale: str) -> str:
    if digits is None:
        return numbers.format_decimal(value, locale=parse_locale(locale))
    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=parse_locale(locale))


@lru_cache(maxsize=TEXTS_KEPT, typed=True)
def _money_text(value: int | float | Decimal, currency: str, locale: str) -> str:
    return numbers.format_currency(value, currency, locale=parse_locale(locale))


def format_date(value: date | datetime | None, fmt: str = "medium", tz: str | None = None) -> str:
    """A date in the active locale (``26 nov. 2026``)."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return _date_text(value, fmt, current_locale())
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    return dates.format_date(value, format=fmt, locale=parse_locale(current_locale()))


DateStyle = Literal["full", "long", "medium", "short"]
DATE_STYLES: tuple[DateStyle, ...] = ("full", "long", "medium", "short")


def format_datetime(value: datetime | None, fmt: str = "medium", tz: str | None = None) -> str:
    """A date and time in the active locale, in the tenant's time zone when given.

    ``fmt`` names the style of the date (``26 nov. 2026``); the time is in hours and minutes
    (``17 h 05`` in fr_CA, ``5:05 p.m.`` in en_CA): seconds mean nothing on a page or in a mail.
    Any other ``fmt`` is a Babel pattern, used as it is.
    """
    if value is None:
        return ""
    if fmt not in DATE_STYLES:
        locale = parse_locale(current_locale())
        return dates.format_datetime(value, format=fmt, tzinfo=ZoneInfo(tz) if tz else None, locale=locale)
    value = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored times are UTC
    if tz:
        value = value.astimezone(ZoneInfo(tz))
    code = current_locale()
    return (
        _datetime_joiner(fmt, code)
        .replace("{0}", _time_text(value.hour, value.minute, code))
        .replace("{1}", _date_text(value.date(), fmt, code))
    )


@lru_cache(maxsize=256)
def _datetime_joiner(style: DateStyle, locale: str) -> str:
    """How the locale joins a date ``{1}`` and a time ``{0}`` (``{1} à {0}``), looked up once."""
    return str(dates.get_datetime_format(style, locale=parse_locale(locale))).replace("'", "")


@lru_cache(maxsize=TEXTS_KEPT)
def _time_text(hour: int, minute: int, locale: str) -> str:
    """Hours and minutes in the locale (``17 h 05``): a day has 1,440 of them, kept per locale."""
    return dates.format_time(time(hour, minute), "short", locale=parse_locale(locale))


def format_number(value: int | float | Decimal | None, digits: int | None = None) -> str:
    """A number with the active locale's separators."""
    if value is None:
        return ""
    return _number_text(value, digits, current_locale())


def format_money(value: int | float | Decimal | None, currency: str) -> str:
    """An amount of money in the active locale (``1 234,56 €`` in fr_BE, ``€ 1.234,56`` in nl_BE)."""
    if value is None:
        return ""
    return _money_text(value, currency, current_locale())


def format_phone(value: str | None, region: str = "CA") -> str:
    """A phone number in national format for ``region``, international otherwise; raw if unparsable."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value
    same_region = phonenumbers.region_code_for_number(parsed) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_region else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)
