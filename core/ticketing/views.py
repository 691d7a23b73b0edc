"""Customer pages: support categories, opening a ticket, the acknowledgement, my tickets, a thread."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, bindparam, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.audit.models import AuditEvent
from core.audit.service import client_ip
from core.db.base import utcnow
from core.i18n import current_locale
from core.i18n import gettext as _
from core.identity.current import current_membership, current_user, login_url
from core.identity.models import Membership, Role, User
from core.identity.tokens import check_token
from core.portal import get_portal
from core.staff.models import Staff
from core.storage import StorageError, get_storage
from core.ticketing.attachments import Limits
from core.ticketing.categories import TicketCategory
from core.ticketing.forms import ReplyForm, category_fields, category_form, field_values, read_uploads
from core.ticketing.markup import render_markdown
from core.ticketing.models import OPEN_STATUSES, Ticket, TicketAttachment, TicketMessage, TicketStatus
from core.ticketing.service import ACCESS_PURPOSE, can_reopen, customer_reply, customer_set_status, open_ticket
from core.ticketing.sla import BusinessCalendar
from core.web.flow import flash, tenant_db
from core.web.paging import IdPage, PageBound
from core.web.redirects import redirect
from core.web.rendering import render

ACK_KEY = "ticketing:ack"
ACCESS_KEY = "ticketing:access"
MAX_GRANTS = 20
ANONYMOUS_PER_HOUR = 5
PAGE_SIZE = 50


def status_labels() -> dict[str, str]:
    """Translated names of the statuses."""
    return {
        TicketStatus.NEW: _("New"),
        TicketStatus.OPEN: _("Open"),
        TicketStatus.WAITING: _("Waiting for your reply"),
        TicketStatus.RESOLVED: _("Resolved"),
        TicketStatus.CLOSED: _("Closed"),
    }


def find_category(request: Request, code: str) -> TicketCategory | None:
    """The tenant's category with this code."""
    for category in get_portal().categories(request.state.tenant):
        if category.code == code:
            return category
    return None


async def support(request: Request) -> Response:
    """The categories a visitor or customer may open a ticket in."""
    user = await current_user(request)
    categories = get_portal().categories(request.state.tenant)
    return await render(
        request,
        "ticketing/support.html",
        {"categories": categories, "signed_in": user is not None, "login_link": login_url(request)},
    )


async def new_ticket(request: Request) -> Response:
    """The form of one category; on success the ticket is opened and acknowledged."""
    tenant = request.state.tenant
    category = find_category(request, request.path_params["category"])
    if category is None:
        raise HTTPException(status_code=404)
    user = await current_user(request)
    if user is None and not category.anonymous:
        return RedirectResponse(login_url(request), status_code=303)
    form_class = category_form(category, tenant, anonymous=user is None)
    form = await form_class.from_request(request)
    limits = Limits.for_tenant(tenant)
    problem = ""
    if request.method == "POST":
        valid = form.validate()
        uploads = await read_uploads(await request.form(), form.attachments, limits)
        if valid and uploads is not None and user is None and await _anonymous_quota_used(request):
            problem = _("You have sent several requests in a short time. Please wait an hour or sign in to continue.")
            valid = False
        if valid and uploads is not None:
            membership = await current_membership(request) if user else None
            async with tenant_db(request) as db:
                ticket = await open_ticket(
                    db,
                    tenant,
                    category,
                    subject=form.subject.data,
                    body=form.description.data,
                    fields=field_values(form, category),
                    files=uploads,
                    email=user.email if user else form.email.data,
                    name=user.full_name if user else form.name.data,
                    locale=(user.locale if user and user.locale else current_locale()),
                    user_id=user.id if user else None,
                    account_id=membership.account_id if membership else None,
                    request=request,
                )
                await db.commit()
            request.state.session.set(ACK_KEY, ticket.reference)
            if user is None:
                grant(request, ticket)
            return redirect(request, "/support/sent")
    return await render(
        request,
        "ticketing/new.html",
        {
            "category": category,
            "form": form,
            "extra_fields": category_fields(form, category),
            "limits": limits,
            "anonymous": user is None,
            "problem": problem,
        },
        status_code=429 if problem else 400 if request.method == "POST" else 200,
    )


async def _anonymous_quota_used(request: Request) -> bool:
    """A signed-out visitor's address opened :data:`ANONYMOUS_PER_HOUR` tickets in the last hour."""
    since = utcnow() - timedelta(hours=1)
    async with get_portal().database.session() as db:
        count = await db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.tenant_id == request.state.tenant.id,
                AuditEvent.action == "ticket.opened",
                AuditEvent.actor_type == "anonymous",
                AuditEvent.ip == client_ip(request),
                AuditEvent.created_at >= since,
            )
        )
    return int(count or 0) >= ANONYMOUS_PER_HOUR


async def sent(request: Request) -> Response:
    """The acknowledgement: reference, SLA promise, and where to follow the ticket."""
    reference = request.state.session.get(ACK_KEY)
    if not reference:
        return redirect(request, "/support")
    async with tenant_db(request) as db:
        ticket = await db.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None:
        return redirect(request, "/support")
    category = find_category(request, ticket.category)
    user = await current_user(request)
    return await render(
        request,
        "ticketing/sent.html",
        {
            "ticket": ticket,
            "category": category,
            "sla_hours": ticket.sla_target_minutes // 60,
            "can_follow": (user is not None and user.id == ticket.requester_user_id)
            or ticket.id in (request.state.session.get(ACCESS_KEY) or []),
        },
    )


def _administered_accounts(user_id: int | BindParameter[int]) -> Select[int]:
    """The accounts whose tickets the user sees besides their own: those they hold or administer."""
    return select(Membership.account_id).where(
        Membership.user_id == user_id,
        Membership.suspended.is_(False),
        Membership.role.in_([Role.HOLDER, Role.ADMIN]),
    )


def visible_to(user: User) -> ColumnElement[bool]:
    """The tickets the user opened, or opened on an account they hold or administer."""
    return or_(Ticket.requester_user_id == user.id, Ticket.account_id.in_(_administered_accounts(user.id)))


def _visible_page() -> Select[Ticket]:
    """A page of :func:`_visible` tickets of the user bound as ``user_id``, newest first, from the id
    ``at_most`` down (keyset paging), with one more row than a page to tell whether more follow.

    An ``OR`` of the two conditions would make the database walk all the tenant's tickets; a union
    of the user's and the accounts' tickets reads each through its own index.
    """
    user_id = bindparam("user_id", type_=Integer)
    at_most = bindparam("at_most", type_=Integer)
    mine = select(Ticket.id).where(Ticket.requester_user_id == user_id, Ticket.id <= at_most)
    accounts = select(Ticket.id).where(Ticket.account_id.in_(_administered_accounts(user_id)), Ticket.id <= at_most)
    query = select(Ticket).where(Ticket.id.in_(union(mine, accounts)))
    return query.order_by(Ticket.id.desc()).limit(PAGE_SIZE + 1)


# Built once: building and keying the statement cost more than running it.
VISIBLE_PAGE = _visible_page()


async def my_tickets(request: Request) -> Response:
    """The signed-in customer's tickets (and their accounts' when they are holder or admin)."""
    user = await current_user(request)
    if user is None:
        return RedirectResponse(login_url(request), status_code=303)
    bound = PageBound.of(request)
    async with tenant_db(request) as db:
        rows = list(await db.scalars(VISIBLE_PAGE, {"user_id": user.id, "at_most": bound.at_most}))
    names = {c.code: c.name for c in get_portal().categories(request.state.tenant)}
    return await render(
        request,
        "ticketing/list.html",
        {"page": IdPage.of(rows, PAGE_SIZE, bound), "category_names": names, "status_labels": status_labels()},
    )


async def _load_for_customer(request: Request, db: AsyncSession) -> tuple[User | None, Ticket]:
    """The ticket if the signed-in customer may see it, or a signed-out requester followed its private link."""
    reference = request.path_params["reference"]
    user = await current_user(request)
    if user is not None:
        ticket = await db.scalar(select(Ticket).where(Ticket.reference == reference, visible_to(user)))
        if ticket is not None:
            return user, ticket
    granted = [i for i in (request.state.session.get(ACCESS_KEY) or []) if isinstance(i, int)]
    if granted:
        ticket = await db.scalar(
            select(Ticket).where(
                Ticket.reference == reference, Ticket.id.in_(granted), Ticket.requester_user_id.is_(None)
            )
        )
        if ticket is not None:
            return None, ticket
    raise HTTPException(status_code=404)


def grant(request: Request, ticket: Ticket) -> None:
    """Let this browser follow a signed-out requester's ticket (the last few are remembered)."""
    session = request.state.session
    granted = [i for i in (session.get(ACCESS_KEY) or []) if i != ticket.id][-(MAX_GRANTS - 1) :]
    session.set(ACCESS_KEY, [*granted, ticket.id])


async def access(request: Request) -> Response:
    """The private link of a signed-out requester: this browser may then follow the ticket."""
    async with tenant_db(request) as db:
        check = await check_token(db, request.path_params["token"], ACCESS_PURPOSE)
        ticket_id = (check.token.payload or {}).get("ticket") if check.ok and check.token else None
        ticket = await db.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None or ticket.requester_user_id is not None:
        raise HTTPException(status_code=404)
    grant(request, ticket)
    return redirect(request, f"/tickets/{ticket.reference}")


async def ticket_page(request: Request) -> Response:
    """A ticket's public thread, the reply form, and close / reopen."""
    if await current_user(request) is None and not request.state.session.get(ACCESS_KEY):
        return RedirectResponse(login_url(request), status_code=303)
    tenant = request.state.tenant
    form = await ReplyForm.from_request(request)
    async with tenant_db(request) as db:
        user, ticket = await _load_for_customer(request, db)
        if request.method == "POST":
            if ticket.status == TicketStatus.CLOSED:
                flash(request, _("This ticket is closed. Reopen it to write again."), "warning")
                return redirect(request, f"/tickets/{ticket.reference}")
            valid = form.validate()
            uploads = await read_uploads(await request.form(), form.attachments, Limits.for_tenant(tenant))
            if valid and uploads is not None:
                await customer_reply(
                    db,
                    tenant,
                    ticket,
                    body=form.body.data,
                    files=uploads,
                    user_id=user.id if user else None,
                    name=user.full_name if user else ticket.requester_name,
                    request=request,
                    notify=await assignee_to_notify(ticket),
                )
                await db.commit()
                flash(request, _("Your message has been sent."), "success")
                return redirect(request, f"/tickets/{ticket.reference}")
        messages = list(
            await db.scalars(
                select(TicketMessage)
                .where(TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False))
                .order_by(TicketMessage.id)
            )
        )
        attachments = list(
            await db.scalars(
                select(TicketAttachment)
                .join(TicketMessage, TicketMessage.id == TicketAttachment.message_id)
                .where(TicketAttachment.ticket_id == ticket.id, TicketMessage.internal.is_(False))
                .order_by(TicketAttachment.id)
            )
        )
    by_message: dict[int, list[TicketAttachment]] = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    category = find_category(request, ticket.category)
    return await render(
        request,
        "ticketing/ticket.html",
        {
            "ticket": ticket,
            "category": category,
            "messages": [(m, render_markdown(m.body), by_message.get(m.id, [])) for m in messages],
            "form": form,
            "status_labels": status_labels(),
            "can_reopen": can_reopen(ticket, utcnow()),
            "limits": Limits.for_tenant(tenant),
            "field_labels": {f.name: f.label for f in (category.fields if category else ())},
            "calendar": BusinessCalendar.for_tenant(tenant),
            "signed_in": user is not None,
        },
        status_code=400 if request.method == "POST" else 200,
    )


async def assignee_to_notify(ticket: Ticket) -> Any:
    if ticket.assignee_id is None:
        return None
    async with get_portal().database.session() as db:
        staff = await db.get(Staff, ticket.assignee_id)
    return staff if staff is not None and staff.active else None


async def ticket_status(request: Request) -> Response:
    """Close or reopen a ticket (POST ``action=close|reopen``)."""
    form = await request.form()
    action = form.get("action")
    async with tenant_db(request) as db:
        user, ticket = await _load_for_customer(request, db)
        wanted = TicketStatus.CLOSED if action == "close" else TicketStatus.OPEN if action == "reopen" else None
        if wanted and await customer_set_status(
            db, request.state.tenant, ticket, wanted, user_id=user.id if user else None, request=request
        ):
            await db.commit()
            flash(
                request,
                _("The ticket is closed.") if wanted == TicketStatus.CLOSED else _("The ticket is open again."),
                "success",
            )
        else:
            flash(request, _("This change is not possible any more."), "warning")
    return redirect(request, f"/tickets/{ticket.reference}")


async def attachment(request: Request) -> Response:
    """Download an attachment of a ticket the customer may see (never one of an internal note)."""
    async with tenant_db(request) as db:
        _user, ticket = await _load_for_customer(request, db)
        found = await db.scalar(
            select(TicketAttachment)
            .join(TicketMessage, TicketMessage.id == TicketAttachment.message_id)
            .where(
                TicketAttachment.id == request.path_params["attachment_id"],
                TicketAttachment.ticket_id == ticket.id,
                TicketMessage.internal.is_(False),
            )
        )
    if found is None:
        raise HTTPException(status_code=404)
    return await download(found)


async def download(found: TicketAttachment) -> Response:
    """The file as a download (never rendered inline by the browser)."""
    try:
        content = await get_storage().read(found.storage_key)
    except StorageError:
        raise HTTPException(status_code=404) from None
    return Response(
        content,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


OPEN_SOONEST_DUE = (
    select(Ticket)
    .where(
        Ticket.requester_user_id == bindparam("user_id", type_=Integer),
        Ticket.status.in_([s.value for s in OPEN_STATUSES]),
    )
    .order_by(Ticket.sort_due_at, Ticket.id)
    .limit(5)
)
"""The open tickets of the user bound as ``user_id``, soonest due first (the dashboard's block; built once)."""


async def widget(request: Request) -> dict[str, Any]:
    """The signed-in home's block: the customer's open requests, soonest due first."""
    user = await current_user(request)
    if user is None:
        return {"tickets": [], "status_labels": status_labels()}
    async with tenant_db(request) as db:
        tickets = list(await db.scalars(OPEN_SOONEST_DUE, {"user_id": user.id}))
    return {"tickets": tickets, "status_labels": status_labels()}
