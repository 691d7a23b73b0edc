"""Vidéotron Business identity rules: usernames, passwords, activation and the purposes of its links.

The rules are exactly those of Vidéotron's help page: a username has 8 to 50 characters made of
letters, digits and ``. - _`` and never a space or ``= + < > # @``; a password has 6 to 16
characters with at least one letter and one digit and none of those characters either.
"""

from __future__ import annotations

import re
from datetime import timedelta

from core.api import ActivationPolicy, PasswordPolicy, Rule, UsernamePolicy, lazy_gettext

USERNAME_MIN, USERNAME_MAX = 8, 50
PASSWORD_MIN, PASSWORD_MAX = 6, 16
FORBIDDEN_CHARS = " =+<>#@"
"""Characters refused in usernames and passwords (the space first)."""
USERNAME_EXTRA_CHARS = ".-_"
ACTIVATION_VALID_FOR = timedelta(days=5)
"""Lifetime of an activation e-mail link and of a registration confirmation link."""

PLUGIN = "videotron_business"
"""Key of the plugin's data on a user (``plugin_data``) and of its throttle counters."""
ACTIVATION = "vb_activation"
CONFIRM = "vb_confirm"
INVITATION = "vb_invitation"
"""Token purposes of the plugin's links (all valid 5 days)."""

_USERNAME_ALLOWED = re.compile(r"[A-Za-z0-9._-]")


def has_forbidden(value: str) -> bool:
    """``value`` holds a space (or any whitespace) or one of ``= + < > # @``."""
    return any(ch in FORBIDDEN_CHARS or ch.isspace() for ch in value)


def _only_allowed_username_chars(value: str) -> bool:
    # Forbidden characters are reported by their own rule; this one catches every other stranger.
    return all(_USERNAME_ALLOWED.fullmatch(ch) or ch in FORBIDDEN_CHARS or ch.isspace() for ch in value)


USERNAME_RULES: tuple[Rule, ...] = (
    Rule(
        "length",
        lazy_gettext("Your username must have 8 to 50 characters."),
        lambda value: USERNAME_MIN <= len(value) <= USERNAME_MAX,
    ),
    Rule(
        "allowed_chars",
        lazy_gettext("Use only letters without accents, digits and the characters . - _"),
        _only_allowed_username_chars,
    ),
    Rule(
        "forbidden_chars",
        lazy_gettext("Your username must not contain a space or any of these characters: = + < > # @"),
        lambda value: not has_forbidden(value),
    ),
)

PASSWORD_RULES: tuple[Rule, ...] = (
    Rule(
        "length",
        lazy_gettext("Your password must have 6 to 16 characters."),
        lambda value: PASSWORD_MIN <= len(value) <= PASSWORD_MAX,
    ),
    Rule(
        "letter",
        lazy_gettext("Your password must contain at least one letter."),
        lambda value: any(ch.isalpha() for ch in value),
    ),
    Rule(
        "digit",
        lazy_gettext("Your password must contain at least one digit."),
        lambda value: any(ch.isdigit() for ch in value),
    ),
    Rule(
        "forbidden_chars",
        lazy_gettext("Your password must not contain a space or any of these characters: = + < > # @"),
        lambda value: not has_forbidden(value),
    ),
)


def username_errors(value: str) -> list[str]:
    """One translated message per username rule ``value`` breaks (empty when it is valid)."""
    return [str(rule.message) for rule in USERNAME_RULES if not rule.check(value)]


def password_errors(value: str) -> list[str]:
    """One translated message per password rule ``value`` breaks (empty when it is valid)."""
    return [str(rule.message) for rule in PASSWORD_RULES if not rule.check(value)]


def suggest_username(email: str) -> str | None:
    """The e-mail's local part when it is a valid username (the ``@`` itself is refused), else ``None``."""
    local, at, _domain = (email or "").strip().rpartition("@")
    if not at or not local:
        return None
    return local if not username_errors(local) else None


def username_policy() -> UsernamePolicy:
    """The Vidéotron username policy (usernames are on, with the seed's rules)."""
    return UsernamePolicy(
        enabled=True,
        rules=USERNAME_RULES,
        suggest=suggest_username,
        help_text=lazy_gettext(
            "8 to 50 characters: letters, digits and . - _ are accepted; a space and = + < > # @ are not."
        ),
    )


def password_policy() -> PasswordPolicy:
    """The Vidéotron password policy."""
    return PasswordPolicy(
        rules=PASSWORD_RULES,
        help_text=lazy_gettext(
            "6 to 16 characters, with at least one letter and one digit; a space and = + < > # @ are not accepted."
        ),
    )


CALL_CUSTOMER_SERVICE = lazy_gettext(
    "This link can no longer be used. To register, please call Vidéotron Business customer service."
)


def activation_policy() -> ActivationPolicy:
    """Links last 5 days; an expired link is never re-sent: the customer calls customer service."""
    return ActivationPolicy(
        email_confirmation=True,
        confirmation_valid_for=ACTIVATION_VALID_FOR,
        operator_approval=False,
        offer_resend=False,
        expired_help=CALL_CUSTOMER_SERVICE,
    )
