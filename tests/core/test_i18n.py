"""Locale negotiation, catalog fallback and locale-aware formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from babel.support import Translations

from core.i18n.catalogs import Catalogs, fallback_chain
from core.i18n.context import gettext, ngettext, use_locale
from core.i18n.formatting import format_date, format_datetime, format_money, format_number, format_phone
from core.i18n.negotiation import negotiate
from core.i18n.typography import punctuate
from core.plugins import PluginManager
from core.web.templating import Templates

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


def test_translated_labels_are_plain_strings_in_the_active_locale():
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from core.i18n.context import lazy_gettext, translated

    catalog = Catalog(locale="fr")
    catalog.add("Video", "Vidéo")
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    labels = {"video": lazy_gettext("Video"), "cpc": "CPC"}
    with use_locale("fr", Translations(buffer)):
        french = translated(labels)
    with use_locale("en", Translations()):
        english = translated(labels)
    assert french == {"video": "Vidéo", "cpc": "CPC"}
    assert english == {"video": "Video", "cpc": "CPC"}
    assert all(type(label) is str for label in french.values())


def test_templates_translate_plurals_and_escape_variables():
    env = Templates({}).environment("default", (), ())
    template = env.from_string(
        "{% trans count=n %}{{ count }} try{% pluralize %}{{ count }} tries{% endtrans %}|"
        '{{ _("Hello %(name)s", name="<b>") }}'
    )
    with use_locale("en", Translations()):
        assert template.render(n=1) == "1 try|Hello &lt;b&gt;"
        assert template.render(n=3) == "3 tries|Hello &lt;b&gt;"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("Mot de passe oublié ? Choisissez-en un ici :", "fr", "Mot de passe oublié\u202f? Choisissez-en un ici\xa0:"),
        (
            "Mot de passe oublié ? Choisissez-en un ici :",
            "fr_BE",
            "Mot de passe oublié\u202f? Choisissez-en un ici\xa0:",
        ),
        ("Mot de passe oublié ? Choisissez-en un ici :", "fr_CA", "Mot de passe oublié? Choisissez-en un ici\xa0:"),
        ("Bienvenue! Téléphone: %(phone)s", "fr", "Bienvenue\u202f! Téléphone\xa0: %(phone)s"),
        ("Trop courant; choisissez-en un autre.", "fr_CA", "Trop courant; choisissez-en un autre."),
        ("« Mot de passe oublié »", "fr_CA", "«\xa0Mot de passe oublié\xa0»"),
        ("À 12:30, voir https://x.example/?a=1 &amp; b", "fr", "À 12:30, voir https://x.example/?a=1 &amp; b"),
        (
            "Forgot your password? Note: it is case-sensitive.",
            "en_CA",
            "Forgot your password? Note: it is case-sensitive.",
        ),
    ],
)
def test_french_punctuation_spaces_follow_the_locale(text, locale, expected):
    assert punctuate(text, locale) == expected


def test_the_colon_filter_gives_each_locale_its_colon():
    env = Templates({}).environment("default", (), ())
    template = env.from_string('{{ _("Phone")|colon }} {{ label|colon }} {{ asked|colon }}')
    with use_locale("fr_CA", Translations()):
        assert template.render(label="A & B", asked="Why?") == "Phone\xa0: A &amp; B\xa0: Why?"
    with use_locale("en_CA", Translations()):
        assert template.render(label="Label:", asked="Why?") == "Phone: Label: Why?"


def test_a_value_ending_with_an_abbreviation_ends_the_sentence():
    env = Templates({}).environment("default", (), ())
    template = env.from_string('{{ _("We will answer by %(due)s.", due=due) }}')
    with use_locale("en_CA", Translations()):
        assert template.render(due="5:00 p.m.") == "We will answer by 5:00 p.m."
        assert template.render(due="17:00") == "We will answer by 17:00."
        assert gettext("Open until %(time)s.", time="5 p.m.") == "Open until 5 p.m."


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr_CA", "26 nov. 2026, 17 h 05"),
        ("en_CA", "Nov 26, 2026, 5:05\u202fp.m."),
        ("fr_BE", "26 nov. 2026, 17:05"),
        ("fr", "26 nov. 2026, 17:05"),
        ("nl_BE", "26 nov 2026, 17:05"),
        ("de", "26.11.2026, 17:05"),
    ],
)
def test_date_times_show_hours_and_minutes_without_seconds(locale, expected):
    instant = datetime(2026, 11, 26, 22, 5, 42, tzinfo=UTC)
    with use_locale(locale, Translations()):
        assert format_datetime(instant, "medium", "America/Montreal") == expected
        assert format_datetime(instant.replace(tzinfo=None), "medium", "America/Montreal") == expected  # stored UTC
        assert format_datetime(instant, "yyyy-MM-dd HH:mm:ss") == "2026-11-26 22:05:42"  # a pattern is kept


def test_core_counts_use_the_plural_forms_of_each_language():
    """French says "0 ligne importée", Dutch "0 rijen geïmporteerd": each catalogue's own plural rule."""
    plugins = PluginManager()
    domains = {domain: found for domain, found in plugins.locale_dirs().items() if found[0] in plugins.default_names}
    catalogs = Catalogs(domains, plugins.default_names)
    forms = ("%(num)s row imported.", "%(num)s rows imported.")
    expected = {
        "fr": ["0 ligne importée.", "1 ligne importée.", "2 lignes importées."],
        "nl": ["0 rijen geïmporteerd.", "1 rij geïmporteerd.", "2 rijen geïmporteerd."],
    }
    for locale, texts in expected.items():
        with use_locale(locale, catalogs.translations(locale, plugins.default_names)):
            assert [ngettext(*forms, n) for n in (0, 1, 2)] == texts
