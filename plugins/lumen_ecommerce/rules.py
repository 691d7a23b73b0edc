"""Rules of Lumen e-commerce access without I/O: the permissions, the roles that administer an account,
the actions on an existing account, the username scheme and the labels of the form's choices."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from core.api import Role, gettext
from plugins.lumen_ecommerce.forms import USER_PERMISSIONS
from plugins.lumen_ecommerce.models import RequestAction

PERM_ORDER = "lumen.order"
PERM_ORDER_APPROVAL = "lumen.order_for_approval"
PERM_PRICES = "lumen.prices_only"
PERMISSION_OF_CHOICE = {"order": PERM_ORDER, "approval": PERM_ORDER_APPROVAL, "prices": PERM_PRICES}
ADMIN_ROLES = (Role.HOLDER, Role.ADMIN)
CHANGES = (RequestAction.ADD, RequestAction.MODIFY, RequestAction.REMOVE)
"""The actions on an existing e-commerce account, signed by its administrator."""
USERNAME_MAX = 20


def _ascii_slug(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode("ascii").lower())


def username_base(first_name: str, last_name: str) -> str:
    """First initial + last name, lower-case ASCII, at most 20 characters, padded with ``user`` below 3
    (``Émilie Côté`` → ``ecote``)."""
    base = (_ascii_slug(first_name)[:1] + _ascii_slug(last_name))[:USERNAME_MAX] or "user"
    if len(base) < 3:
        base = (base + "user")[:USERNAME_MAX]
    return base


def numbered_username(base: str, number: int) -> str:
    """The base with a number appended, within the 20 characters (``ecote``, 2 → ``ecote2``)."""
    return f"{base[: USERNAME_MAX - len(str(number))]}{number}"


def choice_label(choices: list[tuple[str, Any]], value: Any) -> str:
    """The label of ``value`` among a form field's choices; the value itself when it is not one of them."""
    return str(dict(choices).get(value, value or ""))


def describe_permission(permission_codes: list[str]) -> str:
    """The translated label of a membership's Lumen permission."""
    for code in permission_codes:
        for choice, value in PERMISSION_OF_CHOICE.items():
            if value == code:
                return choice_label(USER_PERMISSIONS, choice)
    return gettext("None")
