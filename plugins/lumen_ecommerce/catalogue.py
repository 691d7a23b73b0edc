"""The catalogue page and what every ordering page shares: the member of the account, whether they may
order, and amounts in Canadian dollars."""

from __future__ import annotations

from decimal import Decimal

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    Membership,
    current_locale,
    current_membership,
    format_money,
    login_required,
    render,
    service,
    tenant_db,
)
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.cart_session import session_cart
from plugins.lumen_ecommerce.rules import PERM_ORDER, PERM_ORDER_APPROVAL, describe_permission


async def require_member(request: Request) -> Membership:
    """The signed-in user's membership of the active account; 403 without one."""
    membership = await current_membership(request)
    if membership is None:
        raise HTTPException(status_code=403)
    return membership


def can_order(membership: Membership) -> bool:
    """The membership may put products in a cart and submit orders (directly or for approval)."""
    return membership.grants(PERM_ORDER) or membership.grants(PERM_ORDER_APPROVAL)


def money(value: Decimal) -> str:
    """An amount in Canadian dollars for the active locale."""
    return format_money(value, "CAD")


@login_required
async def catalogue(request: Request) -> Response:
    """Products with prices (every member sees them) and, for buyers, an "Add to cart" button."""
    membership = await require_member(request)
    query = request.query_params.get("q", "")[:100]
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        products = await service(tenant, CustomerRegistry).products(db, query)
    return await render(
        request,
        "lumen_ecommerce/catalogue.html",
        {
            "products": products,
            "query": query,
            "can_order": can_order(membership),
            "membership": membership,
            "permission_label": describe_permission(membership.permissions or []),
            "money": money,
            "lang": current_locale(),
            "cart_count": sum(session_cart(request).values()),
        },
    )
