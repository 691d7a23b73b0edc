"""Formatting a list costs look-ups, not a Babel pattern per cell: the texts stay exactly Babel's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import Locale, dates
from babel.support import NullTranslations
from jinja2 import Environment

from core.i18n import formatting
from core.i18n.context import use_locale
from core.i18n.jinja import install_translations


def _babel(value: datetime, style: str, tz: str | None, locale: str) -> str:
    """The date in ``style`` and the short time, joined by the locale's pattern, straight from Babel."""
    parsed = Locale.parse(locale)
    value = value.astimezone(ZoneInfo(tz)) if tz else value
    joined = str(dates.get_datetime_format(style, locale=parsed)).replace("'", "")
    return joined.replace("{0}", dates.format_time(value, "short", locale=parsed)).replace(
        "{1}", dates.format_date(value, style, locale=parsed)
    )


@pytest.mark.parametrize("locale", ["en", "fr", "fr_CA", "fr_BE", "de", "nl", "nl_BE", "en_CA"])
@pytest.mark.parametrize("style", formatting.DATE_STYLES)
def test_datetimes_print_as_babel_prints_them(locale, style):
    start = datetime(2026, 3, 28, 22, 59, tzinfo=UTC)  # across a daylight-saving change and midnight
    with use_locale(locale, NullTranslations()):
        for hours in range(0, 72, 5):
            value = start + timedelta(hours=hours, minutes=hours * 7)
            for tz in (None, "America/Toronto", "Europe/Brussels"):
                assert formatting.format_datetime(value, style, tz) == _babel(value, style, tz, locale)


def test_a_naive_datetime_is_utc():
    with use_locale("fr_CA", NullTranslations()):
        naive = datetime(2026, 7, 1, 21, 5)
        assert formatting.format_datetime(naive, "short", "America/Toronto") == formatting.format_datetime(
            naive.replace(tzinfo=UTC), "short", "America/Toronto"
        )
        assert "17 h 05" in formatting.format_datetime(naive, "short", "America/Toronto")


def _render(source: str, **variables: object) -> str:
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    install_translations(env)
    with use_locale("en", NullTranslations()):
        return env.from_string(source).render(**variables)


def test_plain_labels_and_filled_messages_render_as_before():
    assert _render('{{ _("Status") }}') == "Status"
    assert _render('{{ _("100%% sure") }}') == "100% sure"  # a doubled percent is still one
    assert _render('{{ _("Hello %(name)s", name=who) }}', who="<b>") == "Hello &lt;b&gt;"
    assert _render('<td data-label="{{ _("A & B") }}">') == '<td data-label="A & B">'  # trusted, as before
