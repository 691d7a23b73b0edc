"""Lumen's OpenID Connect claims: the customer's Lumen account number and how they may order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account, Membership, User
from plugins.lumen_ecommerce.rules import PERM_ORDER, PERM_ORDER_APPROVAL


def ordering(membership: Membership) -> str:
    """``direct`` (places orders), ``approval`` (orders wait for an administrator) or ``none``."""
    if membership.grants(PERM_ORDER):
        return "direct"
    if membership.grants(PERM_ORDER_APPROVAL):
        return "approval"
    return "none"


async def lumen_claims(user: User, scopes: list[str], db: AsyncSession) -> dict[str, Any] | None:
    """``lumen_customer_number`` and ``lumen_ordering`` of the user's first active account (scope ``profile``)."""
    if "profile" not in scopes:
        return None
    row = (
        await db.execute(
            select(Membership, Account.number)
            .join(Account, Account.id == Membership.account_id)
            .where(Membership.user_id == user.id, Membership.suspended.is_(False))
            .order_by(Membership.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    membership, number = row
    return {"lumen_customer_number": number, "lumen_ordering": ordering(membership)}
