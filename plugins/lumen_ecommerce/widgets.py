"""The dashboard widget: the signed-in user's e-commerce account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request

from core.api import current_membership, tenant_db
from plugins.lumen_ecommerce.catalogue import can_order
from plugins.lumen_ecommerce.models import LumenOrder, OrderStatus
from plugins.lumen_ecommerce.rules import ADMIN_ROLES, describe_permission


async def account_widget(request: Request) -> dict[str, Any]:
    """The signed-in user's e-commerce account: permission, shortcuts, orders waiting for approval."""
    membership = await current_membership(request)
    if membership is None:
        return {"membership": None}
    is_admin = membership.role in ADMIN_ROLES
    waiting = 0
    if is_admin:
        async with tenant_db(request) as db:
            waiting = len(
                (
                    await db.scalars(
                        select(LumenOrder.id).where(
                            LumenOrder.account_id == membership.account_id,
                            LumenOrder.status == OrderStatus.PENDING_APPROVAL,
                        )
                    )
                ).all()
            )
    return {
        "membership": membership,
        "account": membership.account,
        "permission_label": describe_permission(membership.permissions or []),
        "can_order": can_order(membership),
        "is_admin": is_admin,
        "waiting": waiting,
    }
