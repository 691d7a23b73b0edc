"""The cart pages: adding a product, changing quantities, and submitting the order (placed at once, or
sent to the account's administrators for approval)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    Membership,
    User,
    audit,
    current_locale,
    current_user,
    flash,
    gettext,
    login_required,
    parse_int,
    queue_mail,
    redirect_to,
    render,
    service,
    tenant_db,
)
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.cart_session import keep_cart, session_cart
from plugins.lumen_ecommerce.catalogue import can_order, money, require_member
from plugins.lumen_ecommerce.models import LumenOrder, LumenOrderLine, OrderStatus
from plugins.lumen_ecommerce.rules import ADMIN_ROLES, PERM_ORDER, PERM_ORDER_APPROVAL

MAX_QUANTITY = 9999


def _quantity(value: object) -> int | None:
    return parse_int(str(value).strip(), maximum=MAX_QUANTITY)


@login_required
async def cart_add(request: Request) -> Response:
    """Add a product to the cart (buyers only: checked here, not by hiding the button)."""
    membership = await require_member(request)
    if not can_order(membership):
        raise HTTPException(status_code=403, detail="permission")
    form = await request.form()
    sku = str(form.get("sku", ""))[:40]
    quantity = _quantity(form.get("quantity", "1"))
    async with tenant_db(request) as db:
        product = await service(request.state.tenant, CustomerRegistry).product(db, sku)
    if product is None or not quantity:
        flash(request, gettext("Enter a quantity from 1 to %(max)s.", max=MAX_QUANTITY), "error")
        return redirect_to(request, "lumen_catalogue")
    cart = session_cart(request)
    cart[sku] = min(MAX_QUANTITY, cart.get(sku, 0) + quantity)
    keep_cart(request, cart)
    flash(request, gettext("Added to your cart."), "success")
    return redirect_to(request, "lumen_catalogue")


async def _cart_lines(request: Request) -> list[dict[str, Any]]:
    cart = session_cart(request)
    lines = []
    locale = current_locale()
    async with tenant_db(request) as db:
        registry = service(request.state.tenant, CustomerRegistry)
        for sku, quantity in cart.items():
            product = await registry.product(db, sku)
            if product is not None:
                lines.append(
                    {
                        "sku": sku,
                        "name": product.name_for(locale),
                        "quantity": quantity,
                        "unit_price": product.price,
                        "total": product.price * quantity,
                    }
                )
    return lines


@login_required
async def cart_page(request: Request) -> Response:
    """The cart; buyers update quantities and submit the order."""
    membership = await require_member(request)
    if not can_order(membership):
        raise HTTPException(status_code=403, detail="permission")
    if request.method == "POST":
        form = await request.form()
        cart = {}
        for sku in session_cart(request):
            quantity = _quantity(form.get(f"qty-{sku}", "0"))
            if quantity:
                cart[sku] = quantity
        keep_cart(request, cart)
        flash(request, gettext("Your cart was updated."), "success")
        return redirect_to(request, "lumen_cart")
    lines = await _cart_lines(request)
    total = sum((line["total"] for line in lines), Decimal("0"))
    return await render(
        request,
        "lumen_ecommerce/cart.html",
        {
            "lines": lines,
            "total": total,
            "money": money,
            "needs_approval": not membership.grants(PERM_ORDER),
        },
    )


@login_required
async def checkout(request: Request) -> Response:
    """Submit the cart: placed at once with "place orders", waiting for approval with "for approval"."""
    membership = await require_member(request)
    if membership.grants(PERM_ORDER):
        status = OrderStatus.PLACED
    elif membership.grants(PERM_ORDER_APPROVAL):
        status = OrderStatus.PENDING_APPROVAL
    else:
        raise HTTPException(status_code=403, detail="permission")
    lines = await _cart_lines(request)
    if not lines:
        flash(request, gettext("Your cart is empty."), "error")
        return redirect_to(request, "lumen_cart")
    user = await current_user(request)
    assert user is not None
    tenant = request.state.tenant
    form = await request.form()
    async with tenant_db(request) as db:
        order = LumenOrder(
            account_id=membership.account_id,
            user_id=user.id,
            buyer_name=user.full_name,
            status=status,
            total=sum((line["total"] for line in lines), Decimal("0")),
            note=str(form.get("note", ""))[:500],
        )
        db.add(order)
        await db.flush()
        for line in lines:
            db.add(
                LumenOrderLine(
                    order_id=order.id,
                    sku=line["sku"],
                    name=line["name"],
                    quantity=line["quantity"],
                    unit_price=line["unit_price"],
                )
            )
        if status == OrderStatus.PENDING_APPROVAL:
            for admin in await _account_admins(db, membership.account_id):
                queue_mail(
                    db,
                    tenant,
                    admin.email,
                    "lumen_ecommerce/order_to_approve",
                    {"order": order, "buyer": user, "total": order.total},
                    locale=admin.locale,
                )
        audit(
            db,
            "lumen.order.submitted",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="lumen_order",
            subject_id=order.id,
            status=str(status),
        )
        await db.commit()
        order_id = order.id
    keep_cart(request, {})
    if status == OrderStatus.PLACED:
        flash(request, gettext("Your order was placed."), "success")
    else:
        flash(request, gettext("Your order was sent to your account administrator for approval."), "success")
    return redirect_to(request, "lumen_order", order_id=order_id)


async def _account_admins(db: Any, account_id: int) -> list[User]:
    rows = await db.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.account_id == account_id,
            Membership.role.in_([str(r) for r in ADMIN_ROLES]),
            Membership.suspended.is_(False),
        )
    )
    return list(rows.all())
