"""A tenant's identity rules: the policies its plugins answer, or the core defaults, and their checks."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_timedelta

from core.i18n import current_locale
from core.i18n import lazy_gettext as _l
from core.identity.policies import (
    DEFAULT_IDENTIFIERS,
    AccountUsersPolicy,
    ActivationPolicy,
    LoginIdentifier,
    PasswordPolicy,
    Permission,
    SessionPolicy,
    UsernamePolicy,
    length_rule,
)
from core.plugins import flatten
from core.portal import get_portal

if TYPE_CHECKING:
    from core.identity.models import Account, User
    from core.tenancy.models import Tenant

HERE = Path(__file__).resolve().parent
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
RESET_VALID_FOR = timedelta(hours=1)
INVITATION_VALID_FOR = timedelta(days=7)
EMAIL_CHANGE_VALID_FOR = timedelta(days=1)

DEFAULT_PASSWORD_POLICY = PasswordPolicy(
    rules=(
        length_rule(
            "min_length",
            MIN_PASSWORD_LENGTH,
            MAX_PASSWORD_LENGTH,
            _l("Use at least %(min)s characters.", min=MIN_PASSWORD_LENGTH),
        ),
    ),
    help_text=_l(
        "At least %(min)s characters. Avoid common passwords and your own name or e-mail address.",
        min=MIN_PASSWORD_LENGTH,
    ),
)


def activation_policy(tenant: Tenant, user: User | None = None) -> ActivationPolicy:
    """The tenant's activation policy (default: e-mail confirmation valid 3 days, no approval)."""
    answer = get_portal().hooks(tenant).portique_activation_policy(tenant=tenant, user=user)
    return answer or ActivationPolicy()


def username_policy(tenant: Tenant) -> UsernamePolicy:
    """The tenant's username policy (default: no usernames)."""
    return get_portal().hooks(tenant).portique_username_policy(tenant=tenant) or UsernamePolicy()


def password_policy(tenant: Tenant) -> PasswordPolicy:
    """The tenant's password policy (default: at least 10 characters)."""
    return get_portal().hooks(tenant).portique_password_policy(tenant=tenant) or DEFAULT_PASSWORD_POLICY


def session_policy(tenant: Tenant) -> SessionPolicy:
    """The tenant's session lifetimes (default: stay signed in for 12 hours)."""
    return get_portal().hooks(tenant).portique_session_policy(tenant=tenant) or SessionPolicy()


def login_identifiers(tenant: Tenant) -> tuple[LoginIdentifier, ...]:
    """What the sign-in field accepts on this tenant (default: the e-mail address)."""
    return tuple(get_portal().hooks(tenant).portique_login_identifiers(tenant=tenant) or DEFAULT_IDENTIFIERS)


def permissions(tenant: Tenant) -> list[Permission]:
    """Every permission a membership may grant on this tenant."""
    return flatten(get_portal().hooks(tenant).portique_permissions(tenant=tenant))


def account_users_policy(tenant: Tenant, account: Account) -> AccountUsersPolicy:
    """How the account users page behaves for ``account``."""
    answer = get_portal().hooks(tenant).portique_account_users_policy(tenant=tenant, account=account)
    return answer or AccountUsersPolicy()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Passwords found at the top of leaked-password lists (compared case-insensitively)."""
    text = (HERE / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problems(tenant: Tenant, password: str, *, email: str = "", username: str | None = None) -> list[str]:
    """Translated reasons why ``password`` is refused on this tenant (empty when it is acceptable)."""
    problems = [str(rule.message) for rule in password_policy(tenant).broken_rules(password)]
    lowered = password.lower()
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(str(_l("Use at most %(max)s characters.", max=MAX_PASSWORD_LENGTH)))
    if lowered in common_passwords() or lowered.rstrip("0123456789!?.") in common_passwords():
        problems.append(str(_l("This password is too common; choose one that is harder to guess.")))
    personal = [email.strip().lower(), (email.split("@", 1)[0] if email else "").strip().lower()]
    if username:
        personal.append(username.strip().lower())
    if any(len(part) >= 3 and part in lowered for part in personal):
        problems.append(str(_l("The password must not contain your e-mail address or username.")))
    return problems


def username_problems(tenant: Tenant, username: str) -> list[str]:
    """Translated reasons why ``username`` breaks the tenant's username rules."""
    return [str(rule.message) for rule in username_policy(tenant).broken_rules(username)]


class Duration:
    """A duration that prints itself in the current language ("3 days", "12 heures")."""

    def __init__(self, value: timedelta) -> None:
        self.value = value

    def __str__(self) -> str:
        return format_timedelta(self.value, threshold=1.0, locale=current_locale())

    def __html__(self) -> str:
        return str(self)
