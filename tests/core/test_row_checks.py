"""``RowChecks``: the cell readers an importer's ``validate`` uses, each problem on its file line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import pytest

from core.api import RowChecks, RowError, parse_amount


def test_each_row_carries_its_file_line_and_problems_name_their_column():
    check = RowChecks()
    seen = []
    for row in check.each([{"name": "a"}, {"name": ""}, {}]):
        seen.append(check.line)
        check.required(row, "name")
    assert seen == [2, 3, 4]  # line 1 is the header
    assert check.errors == [
        RowError(3, "name", "This column is required."),
        RowError(4, "name", "This column is required."),
    ]


def test_a_value_that_came_before_in_the_file_is_a_problem_once_per_repeat():
    check = RowChecks()
    for row in check.each([{"n": "1"}, {"n": " 1 "}, {"n": "2"}, {"n": "1"}, {"n": ""}, {"n": ""}]):
        check.unique("n", check.cell(row, "n"), "twice")
    assert [(error.line, error.message) for error in check.errors] == [(3, "twice"), (5, "twice")]


def test_dates_are_iso_and_an_empty_optional_one_is_no_problem():
    check = RowChecks()
    row = {"start": "2026-01-31", "end": "", "bad": "31/01/2026"}
    for _ in check.each([row]):
        assert check.date(row, "start") == date(2026, 1, 31)
        assert check.date(row, "end", required=False) is None
        assert check.date(row, "bad") is None
        assert check.date(row, "missing") is None
    assert [error.column for error in check.errors] == ["bad", "missing"]
    assert check.errors[0].message == "Use a date like 2026-01-31."


@pytest.mark.parametrize("raw", ["abc", "-1", "NaN", "Infinity", ""])
def test_an_amount_is_a_finite_non_negative_number(raw):
    check = RowChecks()
    for row in check.each([{"amount": raw}]):
        assert check.amount(row, "amount") is None
    assert check.errors == [RowError(2, "amount", "Use a number like 123.45.")]


def test_a_decimal_comma_is_read_as_a_point():
    check = RowChecks()
    for row in check.each([{"amount": " 12,50 "}]):
        assert check.amount(row, "amount") == Decimal("12.50")
    assert check.errors == []
    assert parse_amount("3,1") == Decimal("3.1")
    with pytest.raises(InvalidOperation):
        parse_amount("three")


def test_a_choice_outside_the_allowed_values_is_the_message_given():
    check = RowChecks()
    for row in check.each([{"energy": "gas"}, {"energy": "coal"}]):
        check.choice(row, "energy", {"gas", "electricity"}, "Use electricity or gas.")
    assert check.errors == [RowError(3, "energy", "Use electricity or gas.")]
