"""Meter readings: entry validation, plausibility warning, deletion rules, chart table, isolation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from plugins.luminus_energy.models import MeterReading, Register, SupplyPoint
from plugins.luminus_energy.rules import deletion_problem, implausible, monthly_consumption, parse_index
from tests.plugins.luminus_energy.helpers import csrf_of

# -- pure rules --------------------------------------------------------------------------------------------


def test_index_accepts_digits_before_the_comma_only():
    assert parse_index(" 41 000 ") == (41000, None)
    assert parse_index("41000,5") == (None, "decimals")
    assert parse_index("41000.0") == (None, "decimals")
    assert parse_index("41a00") == (None, "digits")
    assert parse_index("-5") == (None, "digits")
    assert parse_index("") == (None, "required")
    assert parse_index("1234567890") == (None, "too_long")


def test_deletion_rules_most_recent_customer_index_outside_closed_periods():
    closed = date(2026, 2, 28)
    assert deletion_problem("customer", date(2026, 11, 1), True, closed) is None
    assert deletion_problem("customer", date(2026, 11, 1), False, closed) == "not_latest"
    assert deletion_problem("customer", date(2026, 2, 1), True, closed) == "closed_period"
    assert deletion_problem("grid_operator", date(2026, 11, 1), True, closed) == "not_customer"
    assert deletion_problem("estimated", date(2026, 11, 1), True, None) == "not_customer"


def test_plausibility_32_kwh_a_day_history_against_new_indexes():
    previous = (date(2026, 9, 1), 40000)
    assert not implausible(previous, (date(2026, 11, 26), 43000), 32.8, 3.0)  # 34.9 a day
    assert implausible(previous, (date(2026, 11, 26), 90000), 32.8, 3.0)  # 581 a day
    assert implausible(previous, (date(2026, 11, 26), 40100), 32.8, 3.0)  # 1.2 a day over 86 days
    assert not implausible(previous, (date(2026, 11, 26), 90000), None, 3.0)


def test_monthly_consumption_interpolates_between_readings():
    points = [(date(2026, 1, 1), 1000), (date(2026, 3, 1), 1590)]  # 59 days, 10 a day
    result = monthly_consumption([points], [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)])
    assert result == [(date(2026, 1, 1), 310), (date(2026, 2, 1), 280), (date(2026, 3, 1), None)]


# -- pages -------------------------------------------------------------------------------------------------


async def setup(world, **values):
    customer, contract = await world.customer(**values)
    async with world.db() as db:
        point = await db.get(SupplyPoint, contract.supply_point_id)
        register = await db.scalar(select(Register).where(Register.supply_point_id == point.id))
    return customer, point, register


async def readings_of(world, register) -> list[MeterReading]:
    async with world.db() as db:
        rows = await db.scalars(
            select(MeterReading).where(MeterReading.register_id == register.id).order_by(MeterReading.reading_date)
        )
        return list(rows)


async def post_index(client, point, register, value, day="2026-11-26", **extra):
    page = await client.get(f"/luminus/readings?point={point.id}")
    return await client.post(
        f"/luminus/readings/{point.id}/add",
        data={"csrf_token": csrf_of(page.text), "reading_date": day, f"index_{register.id}": value, **extra},
    )


async def test_history_shows_sources_and_an_accessible_monthly_table(world):
    customer, point, _register = await setup(world)
    client = await world.client(customer)
    html = (await client.get("/luminus/readings")).text
    assert point.ean in html
    assert 'data-source="grid_operator"' in html
    assert 'data-source="estimated"' in html
    assert html.count("<svg") >= 1
    assert 'role="img"' in html


async def test_add_then_delete_an_index(world):
    customer, point, register = await setup(world)
    client = await world.client(customer)
    response = await post_index(client, point, register, "41000")
    assert response.status_code == 303
    added = (await readings_of(world, register))[-1]
    assert (added.value, added.source, added.reading_date) == (41000, "customer", date(2026, 11, 26))
    page = await client.get(f"/luminus/readings?point={point.id}")
    assert f'data-delete="{added.id}"' in page.text
    deleted = await client.post(f"/luminus/readings/delete/{added.id}", data={"csrf_token": csrf_of(page.text)})
    assert deleted.status_code == 303
    assert added.id not in [r.id for r in await readings_of(world, register)]


async def test_index_lower_than_the_previous_one_or_with_decimals_is_refused_and_kept(world):
    customer, point, register = await setup(world)
    client = await world.client(customer)
    lower = await post_index(client, point, register, "39000")
    assert lower.status_code == 422
    assert f'id="index_{register.id}-error"' in lower.text
    assert 'value="39000"' in lower.text
    comma = await post_index(client, point, register, "41000,5")
    assert comma.status_code == 422
    future = await post_index(client, point, register, "41000", day="2026-12-01")
    assert future.status_code == 422
    closed = await post_index(client, point, register, "41000", day="2026-01-15")
    assert closed.status_code == 422
    assert all(r.source != "customer" for r in await readings_of(world, register))


async def test_implausible_index_warns_with_the_seed_advice_and_needs_confirmation(world):
    customer, point, register = await setup(world)
    client = await world.client(customer)
    warned = await post_index(client, point, register, "90000")
    assert warned.status_code == 200
    assert 'data-warning="implausible"' in warned.text
    assert "078 155 230" in warned.text
    assert all(r.source != "customer" for r in await readings_of(world, register))
    confirmed = await post_index(client, point, register, "90000", confirm_implausible="yes")
    assert confirmed.status_code == 303
    assert (await readings_of(world, register))[-1].value == 90000


async def test_only_the_most_recent_customer_index_can_be_deleted(world):
    customer, point, register = await setup(world)
    client = await world.client(customer)
    await post_index(client, point, register, "40500", day="2026-10-01")
    await post_index(client, point, register, "42000", day="2026-11-20")
    history = await readings_of(world, register)
    older = next(r for r in history if r.value == 40500)
    grid = next(r for r in history if r.source == "grid_operator")
    page = await client.get(f"/luminus/readings?point={point.id}")
    assert f'data-delete="{older.id}"' not in page.text
    token = csrf_of(page.text)
    for reading in (older, grid):
        response = await client.post(f"/luminus/readings/delete/{reading.id}", data={"csrf_token": token})
        assert response.status_code == 303
    ids = [r.id for r in await readings_of(world, register)]
    assert older.id in ids
    assert grid.id in ids


async def test_customer_index_in_a_closed_period_cannot_be_deleted(world):
    customer, point, register = await setup(world)
    async with world.db() as db:
        for reading in await db.scalars(select(MeterReading).where(MeterReading.register_id == register.id)):
            if reading.reading_date > date(2026, 2, 28):
                await db.delete(reading)
        old = MeterReading(register_id=register.id, reading_date=date(2026, 2, 28), value=34000, source="customer")
        db.add(old)
        await db.commit()
        old_id = old.id
    client = await world.client(customer)
    page = await client.get(f"/luminus/readings?point={point.id}")
    assert f'data-delete="{old_id}"' not in page.text
    await client.post(f"/luminus/readings/delete/{old_id}", data={"csrf_token": csrf_of(page.text)})
    assert old_id in [r.id for r in await readings_of(world, register)]


async def test_another_customers_readings_are_out_of_reach(world):
    mine, _point, _register = await setup(world)
    _theirs, their_point, their_register = await setup(world)
    client = await world.client(mine)
    assert (await client.get(f"/luminus/readings?point={their_point.id}")).status_code == 404
    page = await client.get("/luminus/readings")
    token = csrf_of(page.text)
    forged = await client.post(
        f"/luminus/readings/{their_point.id}/add",
        data={"csrf_token": token, "reading_date": "2026-11-26", f"index_{their_register.id}": "41000"},
    )
    assert forged.status_code == 404
    their_reading = (await readings_of(world, their_register))[-1]
    assert (
        await client.post(f"/luminus/readings/delete/{their_reading.id}", data={"csrf_token": token})
    ).status_code == 404
    assert their_point.ean not in page.text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr_BE", "(40\u202f000 le 1 septembre 2026)"), ("nl_BE", "(40.000 op 1 september 2026)")],
)
async def test_the_lower_index_message_formats_the_previous_index_and_its_date_for_the_locale(world, locale, expected):
    customer, point, register = await setup(world)
    client = await world.client(customer, locale=locale)
    lower = await post_index(client, point, register, "39000")
    assert lower.status_code == 422
    message = re.search(rf'<p class="error" id="index_{register.id}-error">([^<]*)</p>', lower.text).group(1)
    assert expected in message
    assert "2026-09-01" not in message
    assert "40000" not in message


@pytest.mark.parametrize(("locale", "typed"), [("fr_BE", "26/11/2026"), ("nl_BE", "26/11/2026")])
async def test_a_reading_date_typed_as_the_locale_writes_it_is_understood(world, locale, typed):
    customer, point, register = await setup(world)
    client = await world.client(customer, locale=locale)
    response = await post_index(client, point, register, "41000", day=typed)
    assert response.status_code == 303
    assert (await readings_of(world, register))[-1].reading_date == date(2026, 11, 26)


async def test_a_bad_reading_date_is_explained_with_a_local_example(world):
    customer, point, register = await setup(world)
    client = await world.client(customer)
    response = await post_index(client, point, register, "41000", day="demain")
    assert response.status_code == 422
    assert "par exemple 26/11/2026" in response.text
    assert 'value="demain"' in response.text


def test_chart_steps_are_round_and_bars_scale_to_the_top_tick():
    from babel.support import Translations

    from core.api import use_locale
    from plugins.luminus_energy.chart import LABEL_WIDTH, PLOT, consumption_chart, nice_step

    assert [nice_step(v) for v in (0, 3, 1016, 1600, 9000)] == [1, 1, 500, 500, 5000]
    months = [(date(2026, m, 1), v) for m, v in ((1, 1016), (2, 508), (3, None))]
    with use_locale("fr_BE", Translations()):
        chart = consumption_chart(months, "kWh", "inconnue")
    assert [t.label for t in chart.ticks] == ["0", "500", "1\u202f000", "1\u202f500"]
    assert chart.ticks[-1].x == LABEL_WIDTH + PLOT
    assert chart.bars[0].width == round(1016 / 1500 * PLOT, 1)
    assert chart.bars[1].width == round(chart.bars[0].width / 2, 1)
    assert (chart.bars[2].known, chart.bars[2].value) == (False, "inconnue")
    assert chart.bars[0].value == "1\u202f016 kWh"
    assert chart.bars[0].label == "janv. 2026"


async def test_the_chart_comes_first_with_its_axis_values_unit_and_table(world):
    customer, _point, _register = await setup(world)
    client = await world.client(customer)
    html = (await client.get("/luminus/readings")).text
    chart = html.index('<svg class="luminus-chart-svg"')
    assert chart < html.index('id="add-index"') < html.index('id="history-heading"')
    svg = html[chart : html.index("</svg>", chart)]
    assert 'role="img"' in svg
    assert '<title id="chart-title">Consommation par mois (kWh)</title>' in svg
    assert svg.count('class="month"') == 12
    assert svg.count('class="tick"') >= 3
    assert 'class="unit"' in svg
    assert "kWh</text>" in svg  # values carry their unit
    details = html[html.index('<details class="luminus-chart-table">') :]
    assert details.index("<table>") < details.index("</details>")
    assert details[: details.index("</details>")].count("<tr>") == 13  # header + 12 months
