"""Username and password rules of Vidéotron Business, boundary by boundary, and the username suggestion."""

from __future__ import annotations

import pytest

from plugins.videotron_business import rules
from plugins.videotron_business.rules import (
    password_errors,
    password_policy,
    suggest_username,
    username_errors,
    username_policy,
)

FORBIDDEN = [" ", "=", "+", "<", ">", "#", "@"]


def codes(policy, value: str) -> list[str]:
    return [rule.code for rule in policy.broken_rules(value)]


# -- usernames -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "ok"), [(7, False), (8, True), (50, True), (51, False)])
def test_username_length_boundaries(length: int, ok: bool) -> None:
    value = ("a1" * 30)[:length]
    assert len(value) == length
    assert (codes(username_policy(), value) == []) is ok
    if not ok:
        assert codes(username_policy(), value) == ["length"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_each_forbidden_character_is_refused_in_a_username(char: str) -> None:
    value = f"marie{char}tremblay"
    assert codes(username_policy(), value) == ["forbidden_chars"]
    assert any("= + < > # @" in message for message in username_errors(value))


@pytest.mark.parametrize("value", ["marie.tremblay", "marie-tremblay", "marie_tremblay", "12345678", "MARIE2026"])
def test_letters_digits_dot_dash_underscore_are_accepted(value: str) -> None:
    assert username_errors(value) == []


@pytest.mark.parametrize("value", ["marie!tremblay", "marie/tremblay", "éloïse.roy", "marie,tremblay"])
def test_other_characters_are_refused_with_their_own_message(value: str) -> None:
    assert codes(username_policy(), value) == ["allowed_chars"]


def test_a_username_breaking_two_rules_gets_two_messages() -> None:
    messages = username_errors("a@b")
    assert len(messages) == 2
    assert codes(username_policy(), "a@b") == ["length", "forbidden_chars"]


def test_username_policy_is_enabled_with_help() -> None:
    policy = username_policy()
    assert policy.enabled
    assert "8" in str(policy.help_text)
    assert "50" in str(policy.help_text)


# -- e-mail local part proposal --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("marie.tremblay@boulangerie.example", "marie.tremblay"),
        ("Jean-Luc_2@garage.example", "Jean-Luc_2"),
        ("jo@garage.example", None),  # too short
        ("marie+factures@boulangerie.example", None),  # + is refused
        ("a" * 51 + "@x.example", None),  # too long
        ("not-an-email", None),
        ("", None),
    ],
)
def test_suggestion_is_the_local_part_when_it_meets_the_rules(email: str, expected: str | None) -> None:
    assert suggest_username(email) == expected
    if expected:
        assert "@" not in expected
        assert username_errors(expected) == []


def test_policy_exposes_the_suggestion() -> None:
    assert username_policy().suggest is suggest_username


# -- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "ok"), [(5, False), (6, True), (16, True), (17, False)])
def test_password_length_boundaries(length: int, ok: bool) -> None:
    value = ("a1" * 10)[:length]
    assert len(value) == length
    assert (codes(password_policy(), value) == []) is ok
    if not ok:
        assert codes(password_policy(), value) == ["length"]


@pytest.mark.parametrize("char", FORBIDDEN)
def test_each_forbidden_character_is_refused_in_a_password(char: str) -> None:
    assert codes(password_policy(), f"abc{char}123") == ["forbidden_chars"]


def test_a_password_needs_a_letter() -> None:
    assert codes(password_policy(), "123456") == ["letter"]
    assert password_errors("123456") == ["Your password must contain at least one letter."]


def test_a_password_needs_a_digit() -> None:
    assert codes(password_policy(), "abcdef") == ["digit"]


def test_other_special_characters_are_accepted_in_a_password() -> None:
    assert password_errors("abc!12$%") == []
    assert password_errors("Éte2026") == []


def test_tab_is_treated_like_a_space() -> None:
    assert codes(password_policy(), "abc\t123") == ["forbidden_chars"]


def test_every_broken_rule_is_reported() -> None:
    assert codes(password_policy(), "@") == ["length", "letter", "digit", "forbidden_chars"]


def test_activation_policy_is_five_days_without_resend() -> None:
    policy = rules.activation_policy()
    assert policy.confirmation_valid_for.days == 5
    assert policy.offer_resend is False
    assert "customer service" in str(policy.expired_help)
