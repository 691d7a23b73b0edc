"""The user's tickets: a page of them, one with its thread, a new one, a reply with files.

The ticketing services do the work (:func:`~core.ticketing.service.open_ticket`,
:func:`~core.ticketing.service.customer_reply`) and the files go through the pages' checks (count,
size, type read from the content); the tickets visible are those the pages show the user.
"""

from __future__ import annotations

from sqlalchemy import select

from core.headless.bodies import AttachmentInfo, NewTicket, Reply, TicketPage, TicketsQuery, TicketSummary
from core.headless.bodies import Ticket as TicketBody
from core.headless.bodies import TicketMessage as MessageBody
from core.headless.contract import ApiCall, ApiError, ApiRoute
from core.i18n import gettext as _
from core.portal import get_portal
from core.ticketing.attachments import Limits
from core.ticketing.forms import FIELD_PREFIX, ReplyForm, category_form, field_values, read_uploads
from core.ticketing.models import Ticket, TicketAttachment, TicketMessage, TicketStatus
from core.ticketing.service import customer_reply, open_ticket
from core.ticketing.views import PAGE_SIZE, VISIBLE_PAGE, assignee_to_notify, visible_to
from core.web.ids import ID_MAX


def _summary(ticket: Ticket) -> TicketSummary:
    return TicketSummary(
        reference=ticket.reference,
        subject=ticket.subject,
        category=ticket.category,
        status=str(ticket.status),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
    )


async def list_tickets(call: ApiCall) -> TicketPage:
    """The user's tickets (and their accounts' when they hold or administer them), newest first."""
    query = call.query(TicketsQuery)
    at_most = min(query.before - 1, ID_MAX) if query.before else ID_MAX
    rows = list(await call.db.scalars(VISIBLE_PAGE, {"user_id": call.me.id, "at_most": at_most}))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return TicketPage(items=[_summary(t) for t in rows], next_before=rows[-1].id if more else None)


async def _visible_ticket(call: ApiCall) -> Ticket:
    ticket = await call.db.scalar(select(Ticket).where(Ticket.reference == call.path("reference"), visible_to(call.me)))
    if ticket is None:  # another user's ticket, or none: the same answer
        raise ApiError(404, "not_found")
    return ticket


async def _thread(call: ApiCall, ticket: Ticket) -> TicketBody:
    messages = list(
        await call.db.scalars(
            select(TicketMessage)
            .where(TicketMessage.ticket_id == ticket.id, TicketMessage.internal.is_(False))
            .order_by(TicketMessage.id)
        )
    )
    files = list(
        await call.db.scalars(
            select(TicketAttachment)
            .where(TicketAttachment.message_id.in_([m.id for m in messages]))
            .order_by(TicketAttachment.id)
        )
    )
    by_message: dict[int, list[AttachmentInfo]] = {}
    for file in files:
        info = AttachmentInfo(id=file.id, filename=file.filename, content_type=file.content_type, size=file.size)
        by_message.setdefault(file.message_id, []).append(info)
    thread = [
        MessageBody(
            id=m.id,
            author_type=m.author_type,
            author_name=m.author_name,
            body=m.body,
            created_at=m.created_at,
            attachments=by_message.get(m.id, []),
        )
        for m in messages
    ]
    return TicketBody(**_summary(ticket).model_dump(), fields=dict(ticket.fields or {}), messages=thread)


async def read_ticket(call: ApiCall) -> TicketBody:
    """One ticket with its public thread and the files' names."""
    return await _thread(call, await _visible_ticket(call))


async def create_ticket(call: ApiCall) -> TicketBody:
    """Open a ticket in one of the tenant's categories, checked by that category's form."""
    typed = await call.json(NewTicket)
    category = next((c for c in get_portal().categories(call.tenant) if c.code == typed.category), None)
    if category is None:
        raise ApiError(422, "invalid_request", fields={"category": [_("Unknown category.")]})
    values = {"subject": typed.subject, "description": typed.description}
    values |= {FIELD_PREFIX + name: value for name, value in typed.fields.items()}
    form = category_form(category, call.tenant, anonymous=False).from_values(values)
    if not form.validate():
        fields = {name.removeprefix(FIELD_PREFIX): errors for name, errors in form.field_errors().items()}
        raise ApiError(422, "invalid_request", _("Check the fields."), fields=fields)
    membership = await call.membership()
    me = call.me
    ticket = await open_ticket(
        call.db,
        call.tenant,
        category,
        subject=form.subject.data,
        body=form.description.data,
        fields=field_values(form, category),
        files=[],
        email=me.email,
        name=me.full_name,
        locale=me.locale or call.tenant.default_locale,
        user_id=me.id,
        account_id=membership.account_id if membership else None,
        request=call.request,
    )
    await call.db.commit()
    return await _thread(call, ticket)


async def reply(call: ApiCall) -> TicketBody:
    """Reply to an open ticket (multipart: ``body`` and ``attachments``); a closed one must be reopened first."""
    ticket = await _visible_ticket(call)
    if ticket.status == TicketStatus.CLOSED:
        raise ApiError(409, "ticket_closed", _("This ticket is closed."))
    data = await call.form()
    form = ReplyForm.from_formdata(data)
    valid = form.validate()
    uploads = await read_uploads(data, form.attachments, Limits.for_tenant(call.tenant))
    if not valid or uploads is None:
        raise ApiError(422, "invalid_request", _("Check the fields."), fields=form.field_errors())
    await customer_reply(
        call.db,
        call.tenant,
        ticket,
        body=form.body.data,
        files=uploads,
        user_id=call.me.id,
        name=call.me.full_name,
        request=call.request,
        notify=await assignee_to_notify(ticket),
        via="api",
    )
    await call.db.commit()
    return await _thread(call, ticket)


def ticket_routes() -> list[ApiRoute]:
    """The ticket endpoints."""
    tags = ("Tickets",)
    return [
        ApiRoute(
            "/tickets",
            list_tickets,
            "GET",
            "tickets",
            "The user's tickets, a page at a time",
            TicketPage,
            query=TicketsQuery,
            tags=tags,
        ),
        ApiRoute(
            "/tickets",
            create_ticket,
            "POST",
            "ticket_create",
            "Open a ticket",
            TicketBody,
            body=NewTicket,
            status=201,
            tags=tags,
        ),
        ApiRoute(
            "/tickets/{reference}", read_ticket, "GET", "ticket", "One ticket with its thread", TicketBody, tags=tags
        ),
        ApiRoute(
            "/tickets/{reference}/replies",
            reply,
            "POST",
            "ticket_reply",
            "Reply, with files",
            TicketBody,
            form=Reply,
            status=201,
            tags=tags,
        ),
    ]
