"""EAN codes: 18 digits, Belgian prefix 54, GS1 check digit."""

from __future__ import annotations

import pytest

from plugins.luminus_energy.ean import check_digit, ean_problem, is_valid_ean, make_ean


def test_gs1_check_digit_weights_three_and_one_from_the_right():
    # 5414488800000000 + 1 → weights 3,1,3… from the rightmost digit of the 17-digit body
    body = "54144888000012345"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    assert check_digit(body) == str((10 - total % 10) % 10)


def test_a_completed_code_is_valid_and_spaces_are_ignored():
    ean = make_ean("54144888000012345")
    assert is_valid_ean(ean)
    assert is_valid_ean(" ".join([ean[:6], ean[6:12], ean[12:]]))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("5414488800001234", "18"),
        ("54144888000012345678", "18"),
        ("54A448880000123456", "18"),
        ("", "18"),
    ],
)
def test_wrong_length_or_letters_are_refused(value, fragment):
    assert fragment in (ean_problem(value) or "")


def test_a_code_outside_belgium_is_refused():
    ean = make_ean("44144888000012345")
    assert ean_problem(ean) == "A Belgian EAN code starts with 54."


def test_every_wrong_check_digit_is_refused():
    ean = make_ean("54144888000012345")
    for digit in "0123456789":
        if digit != ean[-1]:
            assert "check digit" in (ean_problem(ean[:-1] + digit) or "")
