"""Requests that become tickets of the tenant's support queue (archive copies, reminder fees, help)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api import TicketCategory, current_membership, current_user, get_portal, open_ticket, utcnow
from core.api import gettext as _
from plugins.luminus_energy.customer_page import Ctx
from plugins.luminus_energy.models import ServiceRequest


def category(ctx: Ctx, code: str) -> TicketCategory:
    """The tenant's ticket category ``code`` (declared by this plugin)."""
    for item in get_portal().categories(ctx.request.state.tenant):
        if item.code == code:
            return item
    raise LookupError(code)


DAILY_LIMIT = 10
DUPLICATE_WINDOW = timedelta(days=30)


async def request_problem(ctx: Ctx, code: str, key: str, value: str) -> str | None:
    """Why a new request should not be filed (``None``: it may): the same request was filed in the last
    30 days, or the customer filed too many requests today (a flood of tickets helps nobody)."""
    now = utcnow()
    rows = list(
        await ctx.db.scalars(
            select(ServiceRequest).where(
                ServiceRequest.customer_id == ctx.customer.id,
                ServiceRequest.created_at >= now - DUPLICATE_WINDOW,
            )
        )
    )
    for row in rows:
        if row.category == code and row.details.get(key) == value:
            return _(
                "You already sent this request (%(reference)s): our customer service is handling it.",
                reference=row.reference,
            )
    if sum(1 for row in rows if row.created_at >= now - timedelta(days=1)) >= DAILY_LIMIT:
        return _("You have sent many requests today. Please call us at %(phone)s.", phone=ctx.settings.contact_phone)
    return None


async def open_request(ctx: Ctx, code: str, subject: str, body: str, fields: dict[str, object]) -> ServiceRequest:
    """Open a support ticket in category ``code`` for the signed-in user and keep the link on the customer."""
    user = await current_user(ctx.request)
    membership = await current_membership(ctx.request)
    assert user is not None
    ticket = await open_ticket(
        ctx.db,
        ctx.request.state.tenant,
        category(ctx, code),
        subject=subject,
        body=body,
        fields={"customer_number": ctx.customer.number, **fields},
        files=[],
        email=user.email,
        name=user.full_name,
        locale=user.locale or ctx.request.state.tenant.default_locale,
        user_id=user.id,
        account_id=membership.account_id if membership else None,
        request=ctx.request,
    )
    record = ServiceRequest(
        customer_id=ctx.customer.id,
        user_id=user.id,
        reference=ticket.reference,
        category=code,
        subject=subject[:200],
        details={k: str(v) for k, v in fields.items()},
    )
    ctx.db.add(record)
    await ctx.db.flush()
    return record
