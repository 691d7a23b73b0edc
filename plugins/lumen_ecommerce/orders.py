"""The order pages: the account's order history, one order, and the administrator's approval or
rejection of an order waiting for it (the buyer gets a mail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    IdPage,
    Membership,
    PageBound,
    Role,
    User,
    audit,
    current_user,
    flash,
    gettext,
    login_required,
    queue_mail,
    redirect_to,
    render,
    tenant_db,
    utcnow,
)
from plugins.lumen_ecommerce.catalogue import money, require_member
from plugins.lumen_ecommerce.forms import OrderDecisionForm
from plugins.lumen_ecommerce.models import LumenOrder, LumenOrderLine, OrderStatus
from plugins.lumen_ecommerce.rules import ADMIN_ROLES

ORDERS_PER_PAGE = 25
ORDERS_PAGE = (
    select(LumenOrder)
    .where(
        LumenOrder.account_id == bindparam("account_id", type_=Integer),
        LumenOrder.id <= bindparam("at_most", type_=Integer),
    )
    .order_by(LumenOrder.id.desc())
    .limit(ORDERS_PER_PAGE + 1)
)
"""A page of the account's orders from the id ``at_most`` down, with one more to tell whether more follow."""


@login_required
async def orders(request: Request) -> Response:
    """The account's order history, newest first, a page at a time."""
    membership = await require_member(request)
    bound = PageBound.of(request)
    async with tenant_db(request) as db:
        rows = list(await db.scalars(ORDERS_PAGE, {"account_id": membership.account_id, "at_most": bound.at_most}))
    return await render(
        request,
        "lumen_ecommerce/orders.html",
        {"page": IdPage.of(rows, ORDERS_PER_PAGE, bound), "money": money, "is_admin": membership.role in ADMIN_ROLES},
    )


async def _order_of_account(db: Any, order_id: int, membership: Membership) -> LumenOrder:
    order = await db.get(LumenOrder, order_id)
    if order is None or order.account_id != membership.account_id:
        raise HTTPException(status_code=404)
    return order  # type: ignore[no-any-return]


@login_required
async def order_detail(request: Request) -> Response:
    """One order of the account; the administrator approves or rejects it when it waits."""
    membership = await require_member(request)
    async with tenant_db(request) as db:
        order = await _order_of_account(db, request.path_params["order_id"], membership)
        lines = (await db.scalars(select(LumenOrderLine).where(LumenOrderLine.order_id == order.id))).all()
    return await render(
        request,
        "lumen_ecommerce/order.html",
        {
            "order": order,
            "lines": lines,
            "money": money,
            "can_decide": membership.role in ADMIN_ROLES and order.status == OrderStatus.PENDING_APPROVAL,
            "form": OrderDecisionForm(),
        },
    )


@login_required
async def order_decide(request: Request) -> Response:
    """The account administrator approves or rejects an order waiting for approval; the buyer gets a mail."""
    membership = await require_member(request)
    if membership.role not in (Role.HOLDER, Role.ADMIN):
        raise HTTPException(status_code=403, detail="role")
    user = await current_user(request)
    assert user is not None
    form = await OrderDecisionForm.from_request(request)
    decision = (await request.form()).get("decision")
    if decision not in ("approve", "reject") or not form.validate():
        raise HTTPException(status_code=400)
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        order = await _order_of_account(db, request.path_params["order_id"], membership)
        if order.status != OrderStatus.PENDING_APPROVAL:
            flash(request, gettext("This order was already decided."), "warning")
            return redirect_to(request, "lumen_order", order_id=order.id)
        order.status = OrderStatus.PLACED if decision == "approve" else OrderStatus.REJECTED
        order.reason = (form.reason.data or "").strip()
        order.decided_by = user.id
        order.decided_at = utcnow()
        buyer = await db.get(User, order.user_id) if order.user_id else None
        if buyer is not None:
            queue_mail(
                db,
                tenant,
                buyer.email,
                "lumen_ecommerce/order_decided",
                {"order": order, "approved": decision == "approve", "total": order.total},
                locale=buyer.locale,
            )
        audit(
            db,
            f"lumen.order.{'approved' if decision == 'approve' else 'rejected'}",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="lumen_order",
            subject_id=order.id,
        )
        await db.commit()
        order_id = order.id
    flash(
        request,
        gettext("The order was approved and placed.") if decision == "approve" else gettext("The order was rejected."),
        "success",
    )
    return redirect_to(request, "lumen_order", order_id=order_id)
