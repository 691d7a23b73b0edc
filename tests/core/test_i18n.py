"""Locale negotiation, catalog fallback and locale-aware formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from babel.support import Translations

from core.i18n.catalogs import fallback_chain
from core.i18n.context import gettext, use_locale
from core.i18n.formatting import format_date, format_money, format_number, format_phone
from core.i18n.negotiation import negotiate

LOCALES = ["fr_CA", "en_CA"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "fr_CA"),
        ({"accept_language": "en-US,en;q=0.8"}, "en_CA"),
        ({"accept_language": "de-DE, en;q=0.5"}, "en_CA"),
        ({"accept_language": "de-DE"}, "fr_CA"),
        ({"cookie": "en_CA", "accept_language": "fr"}, "en_CA"),
        ({"preference": "fr_CA", "cookie": "en_CA"}, "fr_CA"),
        ({"cookie": "xx_garbage", "accept_language": "en;q=bad, en-GB"}, "en_CA"),
    ],
)
def test_negotiation_order(kwargs, expected):
    assert negotiate(LOCALES, "fr_CA", **kwargs) == expected


def test_regional_locale_falls_back_to_language():
    assert fallback_chain("fr_BE") == ["fr_BE", "fr"]
    assert fallback_chain("en") == ["en"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr_BE", "1\u202f234,50\xa0€"), ("nl_BE", "€\xa01.234,50"), ("en_CA", "€1,234.50")],
)
def test_money_is_formatted_for_the_locale(locale, expected):
    with use_locale(locale, Translations()):
        assert format_money(Decimal("1234.5"), "EUR") == expected


def test_dates_and_phones():
    with use_locale("fr_CA", Translations()):
        assert format_date(datetime(2026, 11, 26, tzinfo=UTC)) == "26 nov. 2026"
    assert format_phone("5145551234", "CA") == "(514) 555-1234"
    assert format_phone("+3278155230", "BE") == "078 15 52 30"
    assert format_phone("not a number", "CA") == "not a number"


def test_kept_texts_follow_the_locale_and_the_value_type():
    """Formatted texts are kept per value, format and locale: a kept text never leaks into another."""
    for locale, expected in (("fr_BE", "26 nov. 2026"), ("nl_BE", "26 nov 2026"), ("en_CA", "Nov 26, 2026")):
        with use_locale(locale, Translations()):
            assert format_date(date(2026, 11, 26)) == expected
            assert format_date(date(2026, 11, 26)) == expected  # from the kept text
    with use_locale("fr_BE", Translations()):
        assert format_date(date(2026, 11, 26), "short") == "26/11/26"
        assert format_number(2) == "2"
        assert format_number(2.5) == "2,5"
        assert format_number(Decimal("2.50"), 2) == "2,50"
        assert format_money(2, "EUR") != format_money(2, "USD")


def test_equal_instants_in_other_time_zones_keep_their_own_dates():
    """23:30 in Montréal is 04:30 the next day in UTC: equal datetimes, different dates on the page."""
    evening = datetime(2026, 11, 26, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    with use_locale("en_CA", Translations()):
        assert format_date(evening) == "Nov 26, 2026"
        assert format_date(evening.astimezone(UTC)) == "Nov 27, 2026"


def test_gettext_without_catalog_returns_the_source():
    with use_locale("de", Translations()):
        assert gettext("Hello %(name)s", name="Ada") == "Hello Ada"


def test_templates_translate_plurals_and_escape_variables():
    from core.web.templating import Templates

    env = Templates({}).environment("default", (), ())
    template = env.from_string(
        "{% trans count=n %}{{ count }} try{% pluralize %}{{ count }} tries{% endtrans %}|"
        '{{ _("Hello %(name)s", name="<b>") }}'
    )
    with use_locale("en", Translations()):
        assert template.render(n=1) == "1 try|Hello &lt;b&gt;"
        assert template.render(n=3) == "3 tries|Hello &lt;b&gt;"
