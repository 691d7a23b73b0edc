"""Releasing quarantined mail by hand: attach it to a ticket of its own tenant, or discard it.

Attached mail from the ticket's requester becomes their reply (as if it had threaded by itself);
from anyone else, an internal note that quotes it, so the customer never sees a stranger's text
under their own name. Either way the quarantine row and its raw message go, and an audit event says
who did what.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.i18n import gettext as _
from core.mail.inbound.parsing import parse_mail
from core.mail.models import QuarantinedMail
from core.staff.models import Staff
from core.storage import StorageError, get_storage
from core.tenancy.models import Tenant
from core.ticketing.inbound import MAX_BODY, checked_files
from core.ticketing.models import Ticket, TicketMessage, TicketStatus
from core.ticketing.service import customer_reply, staff_reply


class ReleaseRefusedError(Exception):
    """The mail cannot be attached as asked; the message says why, to the operator."""


async def ticket_for(db: AsyncSession, row: QuarantinedMail, reference: str) -> Ticket:
    """The ticket ``reference`` of the mail's own tenant.

    :raises ReleaseRefusedError: the mail reached no tenant, or its tenant has no such ticket (another
        tenant's reference included), or the ticket is closed.
    """
    if row.tenant_id is None:
        raise ReleaseRefusedError(_("This mail reached no tenant: it can only be discarded."))
    ticket = await db.scalar(
        select(Ticket).where(Ticket.tenant_id == row.tenant_id, Ticket.reference == reference.strip())
    )
    if ticket is None:
        raise ReleaseRefusedError(_("The mail's tenant has no ticket %(reference)s.", reference=reference.strip()))
    if ticket.status == TicketStatus.CLOSED:
        raise ReleaseRefusedError(_("Ticket %(reference)s is closed.", reference=ticket.reference))
    return ticket


async def attach_to_ticket(
    db: AsyncSession,
    row: QuarantinedMail,
    ticket: Ticket,
    staff: Staff,
    *,
    request: Request | None = None,
) -> TicketMessage:
    """Add the quarantined mail to ``ticket`` (found with :func:`ticket_for`) and drop it from the quarantine.

    ``db`` is the ticket's tenant's session. The caller commits, then deletes the raw message with
    :func:`delete_raw`.
    """
    tenant = await db.get(Tenant, ticket.tenant_id)
    if tenant is None:
        raise ReleaseRefusedError(_("The mail's tenant has no ticket %(reference)s.", reference=ticket.reference))
    try:
        raw = await get_storage().read(row.storage_key)
    except StorageError:
        raise ReleaseRefusedError(_("The raw message is gone from the storage: discard this mail.")) from None
    mail = await asyncio.to_thread(parse_mail, raw)
    files, refused = await checked_files(tenant, mail)
    body = mail.body[:MAX_BODY]
    from_requester = bool(mail.sender) and mail.sender == ticket.requester_email.strip().lower()
    if from_requester:
        message = await customer_reply(
            db,
            tenant,
            ticket,
            body=body or "–",
            files=files,
            user_id=ticket.requester_user_id,
            name=ticket.requester_name or mail.sender_name,
            via="email",
        )
    else:
        intro = _("Mail from %(sender)s, attached from the quarantine by %(name)s:", sender=row.sender, name=staff.name)
        message = await staff_reply(
            db, tenant, ticket, staff, body=f"{intro}\n\n{body}", internal=True, status=None, files=files
        )
    audit(
        db,
        "mail.quarantine_attached",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="ticket",
        subject_id=ticket.reference,
        ticket_id=ticket.id,
        mail=row.id,
        sender=row.sender,
        as_reply=from_requester,
        message=message.id,
        refused_attachments=refused,
    )
    await db.delete(row)
    return message


async def discard(db: AsyncSession, row: QuarantinedMail, staff: Staff, *, request: Request | None = None) -> None:
    """Drop the quarantined mail (audited); the caller commits, then deletes the raw message."""
    audit(
        db,
        "mail.quarantine_discarded",
        request=request,
        tenant_id=row.tenant_id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="mail",
        subject_id=row.id,
        reason=row.reason,
        sender=row.sender,
        subject=row.subject,
    )
    await db.delete(row)


async def delete_raw(storage_key: str) -> None:
    """Delete a released mail's raw message once its row is gone (already gone: nothing to do)."""
    if storage_key:
        try:
            await get_storage().delete(storage_key)
        except StorageError:
            return
