"""What happens to a ticket: opening, replies, internal notes, status changes, assignment, mail.

Every function works in the caller's tenant-scoped session and transaction (the caller commits),
records an audit event and queues the mail whoever should know must receive, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.tokens import issue_token
from core.mail.service import queue_mail
from core.staff.models import Staff, StaffRole, StaffTenant
from core.storage import get_storage
from core.tenancy.models import Tenant
from core.ticketing.categories import TicketCategory
from core.ticketing.models import (
    Ticket,
    TicketAttachment,
    TicketCounter,
    TicketMessage,
    TicketStatus,
)
from core.ticketing.reply_address import notification_headers
from core.ticketing.satisfaction import rating_links
from core.ticketing.sla import BusinessCalendar, note_breach, start_clock, stop_clock

REOPEN_WINDOW = timedelta(days=14)
ACCESS_PURPOSE = "ticket_access"
ACCESS_VALID_FOR = timedelta(days=90)
RUNNING = (TicketStatus.NEW, TicketStatus.OPEN)


@dataclass(frozen=True)
class Upload:
    """A checked file ready to be stored: display name, detected type and content."""

    filename: str
    content_type: str
    content: bytes


class StaffActor(Protocol):
    """What the ticketing needs to know about a staff member."""

    id: int
    name: str
    email: str
    locale: str


async def next_reference(db: AsyncSession, tenant: Tenant, now: datetime) -> str:
    """The next human reference of the tenant: ``<prefix>-<year>-<6 digits>`` (``LUM-2026-000123``)."""
    year = now.astimezone(BusinessCalendar.for_tenant(tenant).zone).year
    counter = await db.scalar(select(TicketCounter).where(TicketCounter.year == year).with_for_update())
    if counter is None:
        counter = TicketCounter(year=year, value=0)
        db.add(counter)
    counter.value += 1
    await db.flush()
    return f"{tenant.ticket_prefix}-{year}-{counter.value:06d}"


async def tenant_agents(db: AsyncSession, tenant: Tenant) -> list[StaffActor]:
    """The active agents given this tenant (they hear about new tickets; operators watch the queue)."""
    rows = await db.scalars(
        select(Staff)
        .join(StaffTenant, StaffTenant.staff_id == Staff.id)
        .where(StaffTenant.tenant_id == tenant.id, Staff.active.is_(True), Staff.role == StaffRole.AGENT)
        .order_by(Staff.id)
    )
    return list(rows)


async def follow_path(db: AsyncSession, ticket: Ticket) -> str:
    """Where the requester follows the ticket: its page, or a private link for a signed-out requester."""
    if ticket.requester_user_id is not None:
        return f"/tickets/{ticket.reference}"
    raw = await issue_token(db, ACCESS_PURPOSE, valid_for=ACCESS_VALID_FOR, payload={"ticket": ticket.id})
    return f"/tickets/access/{raw}"


def mail_headers(
    tenant: Tenant, ticket: Ticket, email: str, *, staff_id: int | None = None, automatic: bool = False
) -> dict[str, str]:
    """The headers of a notification of ``ticket`` to ``email``: its signed reply address and thread.

    :param automatic: a message no person wrote (acknowledgement, status change): ``Auto-Submitted``
        tells the recipient's auto-responder not to answer it (RFC 3834).
    """
    headers = notification_headers(tenant, ticket.id, email, staff_id=staff_id)
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
    return headers


async def _store(db: AsyncSession, ticket: Ticket, message: TicketMessage, files: list[Upload]) -> None:
    storage = get_storage()
    for upload in files:
        key = await storage.save("tickets", ticket.tenant_id, upload.content)
        db.add(
            TicketAttachment(
                ticket_id=ticket.id,
                message_id=message.id,
                filename=upload.filename,
                content_type=upload.content_type,
                size=len(upload.content),
                storage_key=key,
            )
        )


def apply_status(ticket: Ticket, status: str, tenant: Tenant, now: datetime) -> None:
    """Move the ticket to ``status``, running, pausing or stopping its SLA clock accordingly."""
    calendar = BusinessCalendar.for_tenant(tenant)
    if status in RUNNING:
        start_clock(ticket, calendar, now)
    else:
        stop_clock(ticket, calendar, now)
    if status == TicketStatus.RESOLVED:
        ticket.resolved_at = now
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
    else:
        ticket.resolved_at = None
        ticket.closed_at = None
    ticket.status = status
    ticket.updated_at = now


async def open_ticket(
    db: AsyncSession,
    tenant: Tenant,
    category: TicketCategory,
    *,
    subject: str,
    body: str,
    fields: dict[str, object],
    files: list[Upload],
    email: str,
    name: str,
    locale: str,
    user_id: int | None = None,
    account_id: int | None = None,
    request: Request | None = None,
) -> Ticket:
    """Open a ticket with its first message and files, start its SLA clock, mail the acknowledgement."""
    now = utcnow()
    ticket = Ticket(
        reference=await next_reference(db, tenant, now),
        category=category.code,
        subject=subject.strip(),
        status=TicketStatus.NEW,
        requester_user_id=user_id,
        requester_email=email.strip(),
        requester_name=name.strip()[:200],
        requester_locale=locale,
        account_id=account_id,
        fields=dict(fields),
        sla_target_minutes=category.sla_hours * 60,
        created_at=now,
        updated_at=now,
    )
    db.add(ticket)
    await db.flush()
    apply_status(ticket, TicketStatus.NEW, tenant, now)
    message = TicketMessage(
        ticket_id=ticket.id, author_type="customer", author_user_id=user_id, author_name=name.strip()[:200], body=body
    )
    db.add(message)
    await db.flush()
    await _store(db, ticket, message, files)
    audit(
        db,
        "ticket.opened",
        request=request,
        tenant_id=tenant.id,
        actor_type="user" if user_id else "anonymous",
        actor_id=user_id,
        subject_type="ticket",
        subject_id=ticket.reference,
        category=category.code,
        attachments=len(files),
    )
    for agent in await tenant_agents(db, tenant):
        queue_mail(
            db,
            tenant,
            agent.email,
            "ticketing/new_ticket",
            {"ticket": ticket, "staff": agent, "category_name": category.name, "due_at": ticket.sla_due_at},
            locale=agent.locale,
            headers=mail_headers(tenant, ticket, agent.email, staff_id=agent.id, automatic=True),
        )
    queue_mail(
        db,
        tenant,
        ticket.requester_email,
        "ticketing/acknowledgement",
        {
            "ticket": ticket,
            "category_name": category.name,
            "sla_hours": category.sla_hours,
            "due_at": ticket.sla_due_at,
            "link": await follow_path(db, ticket),
        },
        locale=locale,
        headers=mail_headers(tenant, ticket, ticket.requester_email, automatic=True),
    )
    return ticket


async def customer_reply(
    db: AsyncSession,
    tenant: Tenant,
    ticket: Ticket,
    *,
    body: str,
    files: list[Upload],
    user_id: int | None,
    name: str,
    request: Request | None = None,
    notify: StaffActor | None = None,
    via: str | None = None,
) -> TicketMessage:
    """Add the customer's message; a waiting or resolved ticket opens again (its clock resumes).

    :param via: how the reply came when not through the page (``"email"``), recorded in the audit event.
    """
    now = utcnow()
    message = TicketMessage(
        ticket_id=ticket.id,
        author_type="customer",
        author_user_id=user_id,
        author_name=name,
        body=body,
        via=via or "web",
    )
    db.add(message)
    await db.flush()
    await _store(db, ticket, message, files)
    if ticket.status in (TicketStatus.WAITING, TicketStatus.RESOLVED):
        apply_status(ticket, TicketStatus.OPEN, tenant, now)
    ticket.updated_at = now
    audit(
        db,
        "ticket.customer_replied",
        request=request,
        tenant_id=tenant.id,
        actor_type="user" if user_id else "anonymous",
        actor_id=user_id,
        subject_type="ticket",
        subject_id=ticket.reference,
        **({"via": via} if via else {}),
    )
    if notify is not None:
        queue_mail(
            db,
            tenant,
            notify.email,
            "ticketing/customer_reply",
            {"ticket": ticket, "message": message, "staff": notify},
            locale=notify.locale,
            headers=mail_headers(tenant, ticket, notify.email, staff_id=notify.id),
        )
    return message


async def customer_set_status(
    db: AsyncSession,
    tenant: Tenant,
    ticket: Ticket,
    status: str,
    *,
    user_id: int | None,
    request: Request | None = None,
) -> bool:
    """Close a ticket, or reopen a resolved/closed one within the window; ``False`` when not allowed."""
    now = utcnow()
    if status == TicketStatus.CLOSED and ticket.status != TicketStatus.CLOSED:
        apply_status(ticket, TicketStatus.CLOSED, tenant, now)
        action = "ticket.closed_by_customer"
    elif status == TicketStatus.OPEN and can_reopen(ticket, now):
        apply_status(ticket, TicketStatus.OPEN, tenant, now)
        action = "ticket.reopened"
    else:
        return False
    audit(
        db,
        action,
        request=request,
        tenant_id=tenant.id,
        actor_type="user" if user_id else "anonymous",
        actor_id=user_id,
        subject_type="ticket",
        subject_id=ticket.reference,
    )
    return True


def can_reopen(ticket: Ticket, now: datetime) -> bool:
    """A resolved or closed ticket may be reopened by its customer for :data:`REOPEN_WINDOW`."""
    ended = ticket.closed_at or ticket.resolved_at
    return (
        ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        and ended is not None
        and now - ended <= REOPEN_WINDOW
    )


async def staff_reply(
    db: AsyncSession,
    tenant: Tenant,
    ticket: Ticket,
    staff: StaffActor,
    *,
    body: str,
    internal: bool,
    status: str | None,
    files: list[Upload] | None = None,
    request: Request | None = None,
    via: str | None = None,
) -> TicketMessage:
    """A staff reply (mailed to the customer) or an internal note (never shown to the customer).

    :param via: how the reply came when not through the console (``"email"``), recorded in the audit event.
    """
    now = utcnow()
    note_breach(ticket, now)
    message = TicketMessage(
        ticket_id=ticket.id,
        author_type="staff",
        author_staff_id=staff.id,
        author_name=staff.name,
        body=body,
        internal=internal,
        via=via or "web",
    )
    db.add(message)
    await db.flush()
    await _store(db, ticket, message, files or [])
    if not internal and ticket.first_response_at is None:
        ticket.first_response_at = now
    if status and status != ticket.status:
        apply_status(ticket, status, tenant, now)
    elif not internal and ticket.status == TicketStatus.NEW:
        apply_status(ticket, TicketStatus.OPEN, tenant, now)
    ticket.updated_at = now
    audit(
        db,
        "ticket.note_added" if internal else "ticket.replied",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="ticket",
        subject_id=ticket.reference,
        status=ticket.status,
        **({"via": via} if via else {}),
    )
    if not internal:
        resolved = ticket.status == TicketStatus.RESOLVED and status == TicketStatus.RESOLVED
        queue_mail(
            db,
            tenant,
            ticket.requester_email,
            "ticketing/reply",
            {
                "ticket": ticket,
                "message": message,
                "link": await follow_path(db, ticket),
                "rating": await rating_links(db, ticket) if resolved else None,
            },
            locale=ticket.requester_locale,
            headers=mail_headers(tenant, ticket, ticket.requester_email),
        )
    return message


async def staff_set_status(
    db: AsyncSession, tenant: Tenant, ticket: Ticket, staff: StaffActor, status: str, *, request: Request | None = None
) -> None:
    """Change the status from the console; the customer is told when it waits on them, is resolved or closed.

    The mail of a resolved ticket asks the customer for a rating (:mod:`core.ticketing.satisfaction`).
    """
    now = utcnow()
    previous = ticket.status
    if status == previous:
        return
    note_breach(ticket, now)
    apply_status(ticket, status, tenant, now)
    audit(
        db,
        "ticket.status_changed",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="ticket",
        subject_id=ticket.reference,
        previous=previous,
        status=status,
    )
    if status in (TicketStatus.WAITING, TicketStatus.RESOLVED, TicketStatus.CLOSED):
        queue_mail(
            db,
            tenant,
            ticket.requester_email,
            "ticketing/status",
            {
                "ticket": ticket,
                "link": await follow_path(db, ticket),
                "rating": await rating_links(db, ticket) if status == TicketStatus.RESOLVED else None,
            },
            locale=ticket.requester_locale,
            headers=mail_headers(tenant, ticket, ticket.requester_email, automatic=True),
        )


async def assign(
    db: AsyncSession,
    tenant: Tenant,
    ticket: Ticket,
    staff: StaffActor,
    assignee: StaffActor | None,
    *,
    request: Request | None = None,
) -> None:
    """Give the ticket to ``assignee`` (or nobody); the new assignee is told by mail."""
    if (assignee.id if assignee else None) == ticket.assignee_id:
        return
    ticket.assignee_id = assignee.id if assignee else None
    ticket.updated_at = utcnow()
    audit(
        db,
        "ticket.assigned",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="ticket",
        subject_id=ticket.reference,
        assignee=ticket.assignee_id,
    )
    if assignee is not None and assignee.id != staff.id:
        queue_mail(
            db,
            tenant,
            assignee.email,
            "ticketing/assigned",
            {"ticket": ticket, "staff": assignee},
            locale=assignee.locale,
            headers=mail_headers(tenant, ticket, assignee.email, staff_id=assignee.id, automatic=True),
        )
