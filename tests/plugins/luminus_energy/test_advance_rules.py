"""Advance-change rules of the seed FAQ and the settlement projection arithmetic (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from plugins.luminus_energy.rules import (
    AdvanceSituation,
    advance_bounds,
    advance_refusals,
    months_between,
    period_cost,
    project_settlement,
    recommended_amount,
)
from plugins.luminus_energy.settings import LuminusSettings

SETTINGS = LuminusSettings()


def situation(**values: object) -> AdvanceSituation:
    base: dict[str, object] = {
        "today": date(2026, 11, 26),
        "timezone": "Europe/Brussels",
        "frequency": "monthly",
        "contract_start": date(2024, 3, 1),
        "contract_end": None,
        "period_start": date(2026, 3, 1),
        "period_end": date(2027, 2, 28),
        "last_change": None,
        "overdue_invoice": None,
    }
    base.update(values)
    return AdvanceSituation(**base)  # type: ignore[arg-type]


def codes(**values: object) -> list[str]:
    return [r.code for r in advance_refusals(situation(**values), SETTINGS)]


# -- projection ----------------------------------------------------------------------------------------


def test_period_cost_12000_kwh_at_0_285_plus_12_50_a_month_with_21_vat_is_4319_70():
    consumption, cost = period_cost(Decimal("12000"), Decimal("0.285"), Decimal("12.50"), Decimal("21"), 12)
    assert consumption == Decimal("12000.0")
    assert cost == Decimal("4319.70")


def test_six_month_period_costs_half_the_energy_and_six_fixed_fees():
    consumption, cost = period_cost(Decimal("12000"), Decimal("0.30"), Decimal("10"), Decimal("6"), 6)
    assert consumption == Decimal("6000.0")
    assert cost == Decimal("1971.60")  # (1800 + 60) × 1.06


def test_cost_4319_70_minus_9_paid_of_300_minus_3_to_come_of_300_is_an_extra_719_70():
    projection = project_settlement(Decimal("4319.70"), Decimal("2700"), 3, Decimal("300"))
    assert projection.remaining == Decimal("900.00")
    assert projection.settlement == Decimal("719.70")
    assert not projection.is_refund


def test_cost_4319_70_with_3_advances_of_600_to_come_is_a_refund_of_180_30():
    projection = project_settlement(Decimal("4319.70"), Decimal("2700"), 3, Decimal("600"))
    assert projection.settlement == Decimal("-180.30")
    assert projection.is_refund


def test_recommended_advance_rounds_1619_70_over_3_up_to_540():
    assert recommended_amount(Decimal("4319.70"), Decimal("2700"), 3) == Decimal("540")
    assert recommended_amount(Decimal("100"), Decimal("500"), 3) == Decimal("0")
    assert recommended_amount(Decimal("100"), Decimal("0"), 0) == Decimal("0")


def test_bounds_are_half_and_double_the_recommendation_but_keep_the_current_amount_reachable():
    assert advance_bounds(Decimal("540"), Decimal("300"), SETTINGS) == (270, 1080)
    assert advance_bounds(Decimal("100"), Decimal("300"), SETTINGS) == (50, 300)
    assert advance_bounds(Decimal("10"), Decimal("15"), SETTINGS)[0] == 10  # absolute floor


def test_months_between_counts_whole_months_of_a_period():
    assert months_between(date(2026, 3, 1), date(2027, 2, 28)) == 12
    assert months_between(date(2026, 1, 1), date(2026, 6, 30)) == 6


# -- refusals -------------------------------------------------------------------------------------------


def test_a_normal_situation_is_allowed():
    assert codes() == []


def test_refused_when_already_changed_this_month_with_monthly_billing():
    assert codes(last_change=datetime(2026, 11, 3, 9, 0, tzinfo=UTC)) == ["already_changed"]


def test_monthly_limit_resets_across_the_month_boundary_in_brussels_time():
    # 31 Oct 22:30 UTC is already 23:30 on 31 October in Brussels (CET): changed in October.
    changed = datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
    assert codes(today=date(2026, 10, 31), last_change=changed) == ["already_changed"]
    assert codes(today=date(2026, 11, 1), last_change=changed) == []
    # 31 Oct 23:30 UTC is 1 November 00:30 in Brussels: that counts for November.
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    assert codes(today=date(2026, 11, 1), last_change=late) == ["already_changed"]
    refusal = advance_refusals(situation(today=date(2026, 11, 1), last_change=late), SETTINGS)[0]
    assert refusal.values["next"] == date(2026, 12, 1)


def test_quarterly_billing_allows_one_change_per_quarter_of_the_period():
    period = {"frequency": "quarterly", "period_start": date(2026, 6, 1), "period_end": date(2027, 5, 31)}
    changed = datetime(2026, 9, 10, 12, 0, tzinfo=UTC)  # quarter 1 Sep – 30 Nov of a period from 1 June
    assert codes(**period, last_change=changed) == ["already_changed"]
    assert codes(**period, today=date(2026, 12, 1), last_change=changed) == []


def test_refused_when_the_next_invoice_is_the_settlement():
    assert codes(period_end=date(2026, 12, 15)) == ["next_is_settlement"]
    assert codes(period_end=date(2026, 12, 26)) == []


def test_refused_when_the_contract_ends_soon():
    assert codes(contract_end=date(2027, 1, 20)) == ["contract_ending"]
    assert codes(contract_end=date(2027, 6, 30)) == []


def test_refused_with_an_unpaid_invoice():
    refusals = advance_refusals(situation(overdue_invoice="2600000042"), SETTINGS)
    assert [r.code for r in refusals] == ["unpaid"]
    assert refusals[0].values["number"] == "2600000042"


def test_refused_with_less_than_three_months_of_consumption():
    refusals = advance_refusals(situation(contract_start=date(2026, 9, 1)), SETTINGS)
    assert [r.code for r in refusals] == ["too_short"]
    assert refusals[0].values["from"] == date(2026, 12, 1)
    assert codes(contract_start=date(2026, 8, 26)) == []


def test_every_applicable_reason_is_given():
    assert codes(
        overdue_invoice="1", contract_start=date(2026, 10, 1), last_change=datetime(2026, 11, 2, tzinfo=UTC)
    ) == ["already_changed", "unpaid", "too_short"]


def test_yearly_consumption_from_indexes_28000_to_40000_over_365_days_is_12000():
    from plugins.luminus_energy.rules import annual_from_readings

    points = [(date(2025, 9, 1), 28000), (date(2026, 2, 28), 34000), (date(2026, 9, 1), 40000)]
    assert annual_from_readings([points], date(2026, 11, 26)) == Decimal("12000")
    night = [(date(2025, 9, 1), 10000), (date(2026, 9, 1), 14000)]
    assert annual_from_readings([points, night], date(2026, 11, 26)) == Decimal("16000")
    assert annual_from_readings([points[-1:]], date(2026, 11, 26)) is None  # one index only
    assert annual_from_readings([[(date(2026, 9, 1), 1), (date(2026, 10, 1), 500)]], date(2026, 11, 26)) is None
    assert annual_from_readings([], date(2026, 11, 26)) is None
