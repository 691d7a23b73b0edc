"""Formats the documents need beyond the core's: numeric dates with four-digit years, unit prices, VAT rates
and VAT numbers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import ParseError, parse_date
from babel.numbers import format_currency, format_percent

from core.api import current_locale, format_date


@lru_cache(maxsize=32)
def numeric_date_pattern(locale: str) -> str:
    """The locale's short date pattern with the year in full (``d/MM/yy`` → ``d/MM/y``)."""
    pattern = Locale.parse(locale).date_formats["short"].pattern
    return re.sub(r"y+", "y", pattern)


def numeric_date(value: date) -> str:
    """A date in figures in the active locale, always with a four-digit year (``5/03/2026``)."""
    return format_date(value, numeric_date_pattern(current_locale()))


def parse_day(raw: str) -> date | None:
    """A date typed as the date field sends it (``2026-11-26``) or as the active locale writes it (``26/11/2026``)."""
    text = raw.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if not re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", text):
        return None
    try:
        return parse_date(text, locale=current_locale())
    except (ParseError, ValueError):
        return None


def unit_price(value: Decimal) -> str:
    """A price per unit with every decimal it has (``0,285 €``), in the active locale."""
    return format_currency(value.normalize(), "EUR", locale=current_locale(), decimal_quantization=False)


def percent(rate: Decimal) -> str:
    """A VAT rate in percent in the active locale (``21 %``, ``21%``)."""
    return format_percent(rate / 100, locale=current_locale(), decimal_quantization=False)


def vat_number(number: str) -> str:
    """A VAT number as printed: Belgian ones grouped (``BE 0471.811.661``), others as they are."""
    if number.startswith("BE") and len(number) == 12 and number[2:].isdigit():
        return f"BE {number[2:6]}.{number[6:9]}.{number[9:]}"
    return number
