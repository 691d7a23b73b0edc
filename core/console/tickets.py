"""Console pages of the ticket queue: filters, keyset pagination, bulk assignment, the ticket page."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.console.care_panel import care_panel
from core.console.language import language_names
from core.console.macros.picker import MacroPicker, picker_for
from core.console.macros.reply_state import ReplyState
from core.console.macros.service import macros_by_id, record_use
from core.console.saved_views.filters import query_of, view_filters
from core.console.saved_views.forms import SaveViewForm
from core.console.saved_views.service import views_for
from core.db.base import utcnow
from core.i18n import gettext as _
from core.i18n import ngettext
from core.identity.models import Account, User
from core.portal import get_portal
from core.staff.models import Staff, StaffRole, StaffTenant
from core.tenancy.models import Tenant
from core.ticketing.attachments import Limits
from core.ticketing.forms import ReplyForm, read_uploads
from core.ticketing.markup import render_markdown
from core.ticketing.models import (
    NO_DUE,
    OPEN_STATUSES,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketRating,
    TicketStatus,
)
from core.ticketing.service import assign, staff_reply, staff_set_status
from core.ticketing.sla import is_breached
from core.ticketing.views import download
from core.web.flow import flash
from core.web.ids import parse_id, parse_int
from core.web.redirects import redirect
from core.web.rendering import render

PAGE_SIZE = 50
AT_RISK = timedelta(hours=4)
STATUSES = [s.value for s in TicketStatus]


def status_labels() -> dict[str, str]:
    """Translated status names, as agents see them."""
    return {
        TicketStatus.NEW: _("New"),
        TicketStatus.OPEN: _("Open"),
        TicketStatus.WAITING: _("Waiting on customer"),
        TicketStatus.RESOLVED: _("Resolved"),
        TicketStatus.CLOSED: _("Closed"),
    }


def encode_cursor(ticket: Ticket) -> str:
    """An opaque cursor pointing after ``ticket`` in the (due time, id) order."""
    raw = f"{ticket.sort_due_at.isoformat()}|{ticket.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, int] | None:
    """The (due time, id) of a cursor, or ``None`` when it is malformed."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        due, ident = raw.split("|", 1)
        moment = datetime.fromisoformat(due)
        number = parse_int(ident)
        return (moment, number) if moment.tzinfo is not None and number is not None else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def queue_query(
    tenant_ids: list[int],
    filters: dict[str, str],
    staff: Staff,
    now: datetime,
    categories: list[str] | None = None,
) -> Select[Any]:
    """The filtered queue, ordered by SLA due time then id (served by ``ix_ticketing_tickets_queue``).

    ``categories`` limits it to an agent's ticket categories (``None``: every category).
    """
    query = select(Ticket).where(Ticket.tenant_id.in_(tenant_ids))
    if categories is not None:
        query = query.where(Ticket.category.in_(categories))
    status = filters.get("status") or "active"
    if status == "active":
        query = query.where(Ticket.status.in_([s.value for s in OPEN_STATUSES]))
    elif status in STATUSES:
        query = query.where(Ticket.status == status)
    if filters.get("category"):
        query = query.where(Ticket.category == filters["category"])
    assignee = filters.get("assignee", "")
    if assignee == "me":
        query = query.where(Ticket.assignee_id == staff.id)
    elif assignee == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif (assignee_id := parse_id(assignee)) is not None:
        query = query.where(Ticket.assignee_id == assignee_id)
    if filters.get("sla") == "breached":
        query = query.where(or_(Ticket.sort_due_at < now, Ticket.sla_breached_at.is_not(None)))
    elif filters.get("sla") == "at_risk":
        query = query.where(Ticket.sort_due_at >= now, Ticket.sort_due_at < now + AT_RISK)
    cursor = decode_cursor(filters.get("after", ""))
    if cursor is not None:
        query = query.where(tuple_(Ticket.sort_due_at, Ticket.id) > tuple_(*cursor))
    return query.order_by(Ticket.sort_due_at, Ticket.id)


async def assignable_staff(db: AsyncSession, tenant_id: int) -> list[Staff]:
    """Active operators and the agents of the tenant."""
    agents = select(StaffTenant.staff_id).where(StaffTenant.tenant_id == tenant_id)
    return list(
        await db.scalars(
            select(Staff)
            .where(Staff.active.is_(True), or_(Staff.role == StaffRole.OPERATOR, Staff.id.in_(agents)))
            .order_by(Staff.name)
        )
    )


async def queue(request: Request) -> Response:
    """The ticket queue across the tenants the staff member may see, filtered by the query string."""
    return await queue_page(request, dict(request.query_params))


async def queue_page(request: Request, params: Mapping[str, str], *, view_form: SaveViewForm | None = None) -> Response:
    """The queue filtered by ``params``, with the saved views and the "save these filters" form.

    ``view_form`` is a save form sent with a problem: the page answers 400 with its errors.
    """
    staff: Staff = request.state.staff
    allowed: list[int] = request.state.staff_tenants
    filters = {key: str(params.get(key, "")) for key in ("tenant", "status", "category", "assignee", "sla", "after")}
    tenant_ids = allowed
    chosen_tenant = parse_id(filters["tenant"])
    if chosen_tenant is not None and chosen_tenant in allowed:
        tenant_ids = [chosen_tenant]
    now = utcnow()
    portal = get_portal()
    async with portal.database.session() as db:
        query = queue_query(tenant_ids, filters, staff, now, request.state.staff_categories)
        rows = list(await db.scalars(query.limit(PAGE_SIZE + 1)))
        tenants = {
            t.id: t for t in await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)).order_by(Tenant.name))
        }
        staff_names = {s.id: s.name for s in await db.scalars(select(Staff))}
        views = await views_for(db, staff, allowed)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_query = ""
    if more:
        kept = {k: v for k, v in filters.items() if v and k != "after"}
        kept["after"] = encode_cursor(rows[-1])
        next_query = urlencode(kept)
    mine: list[str] | None = request.state.staff_categories
    offered = {c.code: c.name for t in tenants.values() for c in portal.categories(t) if mine is None or c.code in mine}
    categories = sorted(offered.items())
    return await render(
        request,
        "console/queue.html",
        {
            "tickets": rows,
            "tenants": tenants,
            "filters": filters,
            "next_query": next_query,
            "status_labels": status_labels(),
            "staff_names": staff_names,
            "categories": categories,
            "now": now,
            "at_risk": AT_RISK,
            "no_due": NO_DUE,
            "is_breached": is_breached,
            "assignable": [(s.id, s.name) for s in await _all_assignable(allowed)],
            "views": [(view, query_of(view.filters)) for view in views],
            "view_filters": view_filters(filters, allowed),
            "view_form": view_form or SaveViewForm(),
        },
        status_code=400 if view_form is not None else 200,
    )


async def _all_assignable(tenant_ids: list[int]) -> list[Staff]:
    async with get_portal().database.session() as db:
        agents = select(StaffTenant.staff_id).where(StaffTenant.tenant_id.in_(tenant_ids))
        return list(
            await db.scalars(
                select(Staff)
                .where(Staff.active.is_(True), or_(Staff.role == StaffRole.OPERATOR, Staff.id.in_(agents)))
                .order_by(Staff.name)
            )
        )


async def load_ticket(request: Request, ticket_id: int) -> tuple[Tenant, Ticket]:
    """The ticket if the staff member may see its tenant and category; 404 otherwise (never says it exists)."""
    async with get_portal().database.session() as db:
        ticket = await db.get(Ticket, ticket_id)
        tenant = await db.get(Tenant, ticket.tenant_id) if ticket is not None else None
    categories: list[str] | None = request.state.staff_categories
    if ticket is None or tenant is None or ticket.tenant_id not in request.state.staff_tenants:
        raise HTTPException(status_code=404)
    if categories is not None and ticket.category not in categories:
        raise HTTPException(status_code=404)
    return tenant, ticket


async def bulk_assign(request: Request) -> Response:
    """Assign the checked tickets to one staff member (or nobody); a ticket out of scope refuses all."""
    staff: Staff = request.state.staff
    form = await request.form()
    values = form.getlist("ticket")[:PAGE_SIZE]
    ids = [parse_id(value) for value in values]
    target = form.get("assignee")
    target_id = parse_id(target) if target else None
    if None in ids or (target and target_id is None):
        flash(request, _("Some of the chosen tickets or the assignee do not exist. Nothing was changed."), "error")
        return redirect(request, "/console/tickets")
    loaded = [
        await load_ticket(request, ticket_id) for ticket_id in ids if ticket_id is not None
    ]  # 404 before any change
    changed = 0
    for tenant, found in loaded:
        async with get_portal().database.session(tenant.id) as db:
            ticket = await db.get(Ticket, found.id)
            candidates = {s.id: s for s in await assignable_staff(db, tenant.id)}
            assignee = candidates.get(target_id) if target_id is not None else None
            if ticket is None or (target_id is not None and assignee is None):
                continue
            await assign(db, tenant, ticket, staff, assignee, request=request)
            await db.commit()
            changed += 1
    flash(request, ngettext("%(num)s ticket assigned.", "%(num)s tickets assigned.", changed), "success")
    return redirect(request, "/console/tickets")


async def _send_reply(
    request: Request, db: AsyncSession, tenant: Tenant, ticket: Ticket, form: FormData, reply: ReplyState
) -> str:
    """Send the reply (or note) and count the macros it used; the problem to show, or ``""`` once committed."""
    files = ReplyForm().attachments
    uploads = await read_uploads(form, files, Limits.for_tenant(tenant))
    if not reply.body:
        return _("Write a message first.")
    if uploads is None:
        return " ".join(str(message) for message in files.errors)
    staff: Staff = request.state.staff
    await staff_reply(
        db,
        tenant,
        ticket,
        staff,
        body=reply.body,
        internal=reply.internal,
        status=reply.status if reply.status in STATUSES else None,
        files=uploads,
        request=request,
    )
    for macro in await macros_by_id(db, reply.used_macros, [tenant.id]):
        record_use(db, staff, macro, ticket, request)
    await db.commit()
    return ""


def _insert_macro(form: FormData, macros: MacroPicker, reply: ReplyState) -> tuple[ReplyState, str]:
    """The reply form with the chosen macro inserted, or unchanged with the problem to show."""
    picked = str(form.get("macro") or "")
    choice = macros.find(parse_id(picked))
    if not picked:
        return reply, _("Choose a reply macro first.")
    if choice is None:  # another tenant's, deleted, or never existed: all the same to the agent
        return reply, _("This reply macro is not available.")
    return reply.inserting(choice), ""


async def ticket_page(request: Request) -> Response:
    """A ticket with its whole thread (internal notes included), reply, status and assignment.

    The reply form also inserts a reply macro (``action=macro``): the page comes back with the macro's
    text after what was typed; the macros inserted ride along and are counted when the reply is sent.
    """
    staff: Staff = request.state.staff
    ticket_id = int(request.path_params["ticket_id"])
    tenant, ticket = await load_ticket(request, ticket_id)
    portal = get_portal()
    error = ""
    reply = ReplyState()
    async with portal.database.session(tenant.id) as db:
        ticket = await db.get(Ticket, ticket_id)  # type: ignore[assignment]
        candidates = await assignable_staff(db, tenant.id)
        requester = await db.get(User, ticket.requester_user_id) if ticket.requester_user_id else None
        macros = await picker_for(db, ticket, requester, staff)
        if request.method == "POST":
            form = await request.form()
            action = form.get("action")
            if action in ("reply", "macro"):
                reply = ReplyState.of(form, macros)
            if action == "reply":
                error = await _send_reply(request, db, tenant, ticket, form, reply)
                if not error:
                    flash(request, _("Saved."), "success")
                    return redirect(request, f"/console/tickets/{ticket.id}")
            elif action == "macro":
                reply, error = _insert_macro(form, macros, reply)
            elif action == "status" and form.get("status") in STATUSES:
                await staff_set_status(db, tenant, ticket, staff, str(form.get("status")), request=request)
                await db.commit()
                flash(request, _("Status changed."), "success")
                return redirect(request, f"/console/tickets/{ticket.id}")
            elif action == "assign":
                value = str(form.get("assignee") or "")
                chosen_id = parse_id(value)
                chosen = {s.id: s for s in candidates}.get(chosen_id) if chosen_id is not None else None
                if value and chosen is None:
                    raise HTTPException(status_code=404)
                await assign(db, tenant, ticket, staff, chosen, request=request)
                await db.commit()
                flash(request, _("Assignment changed."), "success")
                return redirect(request, f"/console/tickets/{ticket.id}")
            else:
                raise HTTPException(status_code=400)
        messages = list(
            await db.scalars(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
            )
        )
        attachments = list(
            await db.scalars(
                select(TicketAttachment).where(TicketAttachment.ticket_id == ticket.id).order_by(TicketAttachment.id)
            )
        )
        rating = await db.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id))
        account = await db.get(Account, ticket.account_id) if ticket.account_id else None
        care = await care_panel(db, tenant, ticket)
        recent_condition = (
            Ticket.requester_user_id == ticket.requester_user_id
            if ticket.requester_user_id
            else Ticket.requester_email == ticket.requester_email
        )
        recent = list(
            await db.scalars(
                select(Ticket).where(and_(recent_condition, Ticket.id != ticket.id)).order_by(Ticket.id.desc()).limit(5)
            )
        )
    by_message: dict[int, list[TicketAttachment]] = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    category = next((c for c in portal.categories(tenant) if c.code == ticket.category), None)
    return await render(
        request,
        "console/ticket.html",
        {
            "ticket": ticket,
            "ticket_tenant": tenant,
            "category": category,
            "field_labels": {f.name: f.label for f in (category.fields if category else ())},
            "messages": [(m, render_markdown(m.body), by_message.get(m.id, [])) for m in messages],
            "status_labels": status_labels(),
            "candidates": candidates,
            "requester": requester,
            "account": account,
            "recent": recent,
            "rating": rating,
            "breached": is_breached(ticket, utcnow()),
            "error": error,
            "reply": reply,
            "macros": macros,
            "customer_language": language_names({macros.customer_locale})[macros.customer_locale],
            **care,
        },
        status_code=400 if error else 200,
    )


async def attachment(request: Request) -> Response:
    """Download an attachment of a ticket the staff member may see."""
    tenant, ticket = await load_ticket(request, int(request.path_params["ticket_id"]))
    async with get_portal().database.session(tenant.id) as db:
        found = await db.scalar(
            select(TicketAttachment).where(
                TicketAttachment.id == request.path_params["attachment_id"], TicketAttachment.ticket_id == ticket.id
            )
        )
    if found is None:
        raise HTTPException(status_code=404)
    return await download(found)
