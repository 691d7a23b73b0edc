"""Policies a plugin hands the identity core: activation, usernames, passwords, sessions, account users."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

LoginIdentifier = Literal["username", "email"]


@dataclass(frozen=True)
class Rule:
    """One named rule of a username or password policy.

    :param code: stable identifier, used by the live checklist (``min_length``, ``forbidden_chars``…).
    :param message: text shown when the rule is broken (a lazy translatable string).
    :param check: returns ``True`` when the value satisfies the rule.
    """

    code: str
    message: object
    check: Callable[[str], bool]


def _broken(rules: tuple[Rule, ...], value: str) -> list[Rule]:
    return [rule for rule in rules if not rule.check(value)]


@dataclass(frozen=True)
class UsernamePolicy:
    """Whether the tenant uses usernames, and the rules they must satisfy.

    ``suggest`` proposes a username from an e-mail address (or returns ``None``).
    """

    enabled: bool = False
    rules: tuple[Rule, ...] = ()
    suggest: Callable[[str], str | None] | None = None
    help_text: object = ""

    def broken_rules(self, value: str) -> list[Rule]:
        """The rules ``value`` breaks, in policy order."""
        return _broken(self.rules, value)


@dataclass(frozen=True)
class PasswordPolicy:
    """The rules a new password must satisfy on this tenant (common passwords are always refused)."""

    rules: tuple[Rule, ...] = ()
    help_text: object = ""

    def broken_rules(self, value: str) -> list[Rule]:
        """The rules ``value`` breaks, in policy order."""
        return _broken(self.rules, value)


@dataclass(frozen=True)
class ActivationPolicy:
    """How a new registration becomes an active user.

    :param email_confirmation: the user must follow a link sent by mail first.
    :param confirmation_valid_for: lifetime of that link (unconfirmed registrations expire with it).
    :param operator_approval: after confirmation, an operator must approve the user.
    :param offer_resend: an expired link page offers to send a new one; otherwise it shows ``expired_help``.
    :param expired_help: text shown on an expired or used link page (e.g. "call customer service").
    """

    email_confirmation: bool = True
    confirmation_valid_for: timedelta = timedelta(days=3)
    operator_approval: bool = False
    offer_resend: bool = True
    expired_help: object = ""


@dataclass(frozen=True)
class SessionPolicy:
    """Lifetimes of a signed-in session on this tenant.

    :param remember_for: lifetime of a "stay signed in" session (it survives a browser restart).
    :param idle_timeout: a session unused for this long ends.
    :param absolute_timeout: a session without "stay signed in" ends after this long in any case.
    :param totp_required_roles: membership roles (``holder``, ``admin``…) that must use two-step
        verification; such a user without it is sent to set it up right after signing in.
    """

    remember_for: timedelta = timedelta(hours=12)
    idle_timeout: timedelta = timedelta(hours=2)
    absolute_timeout: timedelta = timedelta(hours=12)
    totp_required_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Permission:
    """A plugin-defined permission a membership may grant (``lumen.order``…)."""

    code: str
    label: object
    description: object = ""


@dataclass(frozen=True)
class AccountUsersPolicy:
    """How the account users page behaves on this tenant.

    :param manage_roles: roles whose members may invite, change and remove users.
    :param invitable_roles: roles an invitation may grant.
    :param change_url: when set, add/remove requests go through this plugin page instead.
    :param member_change_url: with ``change_url``, the page that asks to change one listed user;
        ``{membership_id}`` is replaced by the membership's id (default: ``change_url``).
    :param notice: text shown above the users list.
    :param hidden_roles: memberships with these roles are not listed and cannot be changed here
        (e.g. a provider's technical users).
    """

    manage_roles: tuple[str, ...] = ("holder", "admin")
    invitable_roles: tuple[str, ...] = ("member",)
    change_url: str | None = None
    notice: object = ""
    hidden_roles: tuple[str, ...] = ()
    member_change_url: str | None = None

    def change_link(self, membership_id: int) -> str | None:
        """The page that asks to change the user of ``membership_id`` (``None``: changed on the users page)."""
        if self.member_change_url:
            return self.member_change_url.replace("{membership_id}", str(membership_id))
        return self.change_url


def regex_rule(code: str, pattern: str, message: object) -> Rule:
    """A rule satisfied when ``pattern`` matches somewhere in the value."""
    compiled = re.compile(pattern)
    return Rule(code, message, lambda value: compiled.search(value) is not None)


def length_rule(code: str, minimum: int, maximum: int, message: object) -> Rule:
    """A rule satisfied when the value has ``minimum`` to ``maximum`` characters."""
    return Rule(code, message, lambda value: minimum <= len(value) <= maximum)


DEFAULT_IDENTIFIERS: tuple[LoginIdentifier, ...] = ("email",)
