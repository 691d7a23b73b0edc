"""Replies by e-mail: one inbound message becomes a reply in its ticket's thread, or goes to quarantine.

:func:`take_in` is what the SMTP/LMTP receiver and the IMAP poller of ``portique mail-in`` call.
It resolves the tenant by the recipient's domain, the ticket by the signed reply address (or by
the signed thread id in ``In-Reply-To``/``References``), checks that the sender is the person the
address was given to (the requester, or an agent of the tenant), keeps the author's new text, and
puts the attachments through the web form's checks. It never opens a ticket; and what it cannot
place — auto-replies and bounces, unknown senders, forged or foreign reply addresses, closed
tickets — is kept in the quarantine (``mail_quarantine``, listed at ``/console/quarantine``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from limits import parse
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.throttle import Bucket, get_throttle
from core.mail.inbound.answers import TryLater
from core.mail.inbound.parsing import InboundMail, parse_mail
from core.mail.models import OutboxMessage, QuarantinedMail
from core.portal import Portal
from core.staff.models import Staff, StaffRole, StaffTenant
from core.storage import StorageError, get_storage
from core.tenancy.models import Tenant
from core.ticketing.attachments import Limits
from core.ticketing.forms import check_file
from core.ticketing.models import Ticket, TicketStatus
from core.ticketing.reply_address import (
    CUSTOMER,
    mail_domain,
    read_token,
    ticket_of_thread,
    token_is_valid,
    token_of,
)
from core.ticketing.service import StaffActor, Upload, customer_reply, staff_reply

log = logging.getLogger("portique.mail.inbound")
_OUTBOX_ID = re.compile(r"^portique\.([0-9]{1,18})\.([0-9]{14})@")
MAX_BODY = 10_000  # the web reply form's limit
# Mail a sender may have put in one tenant's quarantine in an hour; past it the receiver answers 450
# (the sending server keeps the mail and retries later), so a flood cannot fill the storage.
QUARANTINE_PER_SENDER = parse("30/hour")
QUARANTINE_KEPT = timedelta(days=30)  # then the quarantined mail and its raw message are deleted


class Reason:
    """Why a mail was quarantined (the console translates them)."""

    AUTOMATIC = "automatic"
    UNKNOWN_DOMAIN = "unknown_domain"
    FORGED_TOKEN = "forged_token"  # noqa: S105 - a reason code, not a secret
    UNKNOWN_SENDER = "unknown_sender"
    NO_TICKET = "no_ticket"
    TICKET_CLOSED = "ticket_closed"
    EMPTY = "empty"
    ATTACHMENT_REFUSED = "attachment_refused"


@dataclass(frozen=True)
class Outcome:
    """What became of a mail: ``threaded`` (with the ticket reference) or ``quarantined`` (with why)."""

    status: str
    reason: str = ""
    reference: str = ""


def tenant_for(portal: Portal, address: str) -> Tenant | None:
    """The enabled tenant whose reply domain is the domain of ``address``."""
    domain = address.rsplit("@", 1)[-1].strip().lower()
    for tenant in portal.registry.all():
        if mail_domain(tenant) == domain:
            return tenant
    return None


async def accepts(portal: Portal, address: str) -> bool:
    """The receiver takes mail for this address: its domain is a tenant's reply domain."""
    await portal.registry.refresh()
    return "@" in address and tenant_for(portal, address) is not None


async def take_in(
    portal: Portal, raw: bytes, envelope_sender: str | None = None, envelope_recipients: list[str] | None = None
) -> Outcome:
    """Thread one raw message into its ticket, or quarantine it; commits either way."""
    mail = await asyncio.to_thread(
        parse_mail, raw, envelope_sender=envelope_sender, envelope_recipients=envelope_recipients
    )
    await portal.registry.refresh()
    found = next(((t, a) for a in mail.recipients if (t := tenant_for(portal, a)) is not None), None)
    if found is None:
        return await quarantine(portal, None, mail, Reason.UNKNOWN_DOMAIN)
    tenant, recipient = found
    if mail.automatic:
        return await quarantine(portal, tenant, mail, Reason.AUTOMATIC, recipient=recipient, detail=mail.automatic)
    async with portal.database.session(tenant.id) as db:
        outcome = await _thread(portal, db, tenant, mail, recipient)
        if outcome.status == "threaded":
            await db.commit()
    if outcome.status != "threaded":
        return await quarantine(portal, tenant, mail, outcome.reason, recipient=recipient)
    return outcome


async def _thread(portal: Portal, db: AsyncSession, tenant: Tenant, mail: InboundMail, recipient: str) -> Outcome:
    token = token_of(recipient)
    if token is not None:
        placed = await _by_token(db, tenant, token, mail.sender)
    else:
        placed = await _by_thread(db, tenant, mail)
    if isinstance(placed, str):
        return Outcome("quarantined", placed)
    ticket, staff = placed
    if ticket.status == TicketStatus.CLOSED:
        return Outcome("quarantined", Reason.TICKET_CLOSED)
    files, refused = await checked_files(tenant, mail)
    body = mail.body[:MAX_BODY]
    if not body and not files:
        return Outcome("quarantined", Reason.EMPTY)
    if staff is None:
        message = await customer_reply(
            db,
            tenant,
            ticket,
            body=body,
            files=files,
            user_id=ticket.requester_user_id,
            name=ticket.requester_name or mail.sender_name,
            notify=await _assignee(db, tenant, ticket),
            via="email",
        )
    else:
        message = await staff_reply(
            db, tenant, ticket, staff, body=body, internal=False, status=None, files=files, via="email"
        )
    audit(
        db,
        "ticket.mail_received",
        tenant_id=tenant.id,
        actor_type="staff" if staff else "user" if ticket.requester_user_id else "anonymous",
        actor_id=staff.id if staff else ticket.requester_user_id,
        subject_type="ticket",
        subject_id=ticket.reference,
        message=message.id,
        message_id=mail.message_id,
        sender=mail.sender,
        attachments=len(files),
        refused_attachments=refused,
    )
    if refused:  # the reply is in the thread; the operator may still want the files that were refused
        await quarantine(
            portal, tenant, mail, Reason.ATTACHMENT_REFUSED, recipient=recipient, commit=False, db=db, throttled=False
        )
    return Outcome("threaded", reference=ticket.reference)


async def _by_token(
    db: AsyncSession, tenant: Tenant, token: str, sender: str
) -> tuple[Ticket, StaffActor | None] | str:
    named = read_token(token)
    ticket = await db.get(Ticket, named.ticket_id) if named else None
    if named is None or ticket is None or ticket.tenant_id != tenant.id:
        return Reason.FORGED_TOKEN
    staff = None if named.kind == CUSTOMER else await _staff(db, tenant, staff_id=named.staff_id)
    if named.kind != CUSTOMER and staff is None:
        return Reason.UNKNOWN_SENDER  # the agent left, or no longer works for this tenant
    expected = ticket.requester_email if staff is None else staff.email
    if not token_is_valid(tenant, token, expected):
        return Reason.FORGED_TOKEN
    if sender != expected.strip().lower():
        return Reason.UNKNOWN_SENDER
    return ticket, staff


async def _by_thread(db: AsyncSession, tenant: Tenant, mail: InboundMail) -> tuple[Ticket, StaffActor | None] | str:
    ticket_id = ticket_of_thread(tenant, mail.references)
    if ticket_id is None:
        ticket_id = await _ticket_of_outbox(db, tenant, mail.references)
    ticket = await db.get(Ticket, ticket_id) if ticket_id is not None else None
    if ticket is None or ticket.tenant_id != tenant.id:
        return Reason.NO_TICKET
    if mail.sender and mail.sender == ticket.requester_email.strip().lower():
        return ticket, None
    staff = await _staff(db, tenant, email=mail.sender)
    return (ticket, staff) if staff is not None else Reason.UNKNOWN_SENDER


async def _ticket_of_outbox(db: AsyncSession, tenant: Tenant, message_ids: list[str]) -> int | None:
    """The ticket of a notification this tenant sent, named by its Message-ID (``portique.<row>.<stamp>@…``)."""
    for value in message_ids:
        match = _OUTBOX_ID.match(value)
        if match is None:
            continue
        row = await db.get(OutboxMessage, int(match.group(1)))
        if row is None or row.tenant_id != tenant.id or f"{row.created_at:%Y%m%d%H%M%S}" != match.group(2):
            continue
        references = (row.headers or {}).get("References", "")
        ticket_id = ticket_of_thread(tenant, [references.strip("<> ")])
        if ticket_id is not None:
            return ticket_id
    return None


async def _staff(
    db: AsyncSession, tenant: Tenant, *, staff_id: int | None = None, email: str = ""
) -> StaffActor | None:
    """An active staff member who works on this tenant (an operator, or an agent given it)."""
    query = select(Staff).where(Staff.active.is_(True))
    if staff_id is not None:
        query = query.where(Staff.id == staff_id)
    elif email:
        query = query.where(Staff.email == email)
    else:
        return None
    staff = await db.scalar(query)
    if staff is None:
        return None
    if staff.role == StaffRole.OPERATOR:
        return staff
    link = await db.scalar(
        select(StaffTenant.id).where(StaffTenant.staff_id == staff.id, StaffTenant.tenant_id == tenant.id)
    )
    return staff if link is not None else None


async def _assignee(db: AsyncSession, tenant: Tenant, ticket: Ticket) -> StaffActor | None:
    return await _staff(db, tenant, staff_id=ticket.assignee_id) if ticket.assignee_id is not None else None


async def checked_files(tenant: Tenant, mail: InboundMail) -> tuple[list[Upload], list[str]]:
    """The files that pass the web form's checks (up to the tenant's count), and the names of the others."""
    limits = Limits.for_tenant(tenant)
    accepted: list[Upload] = []
    refused: list[str] = []
    for inbound in mail.files:
        checked = await check_file(inbound.filename, inbound.content, limits)
        if isinstance(checked, Upload) and len(accepted) < limits.max_count:
            accepted.append(checked)
        else:
            refused.append(inbound.filename[:200])
    return accepted, refused


async def quarantine(
    portal: Portal,
    tenant: Tenant | None,
    mail: InboundMail,
    reason: str,
    *,
    recipient: str = "",
    detail: str = "",
    commit: bool = True,
    db: AsyncSession | None = None,
    throttled: bool = True,
) -> Outcome:
    """Keep ``mail`` for the operator: the raw message in the storage, a row in ``mail_quarantine``, an audit event.

    Raises :class:`TryLater` when the sender is over :data:`QUARANTINE_PER_SENDER` on this tenant
    (unless ``throttled`` is false: a reply that reached its ticket is never refused).
    """
    tenant_id = tenant.id if tenant else None
    bucket = Bucket(QUARANTINE_PER_SENDER, ("mail-in-quarantine", str(tenant_id), mail.sender or "<>"))
    throttle = get_throttle(portal)
    if throttled and await throttle.retry_after(bucket):
        log.warning("inbound mail from %s refused for now: over its quarantine limit", mail.sender or "<>")
        raise TryLater
    await throttle.hit(bucket)
    key = await get_storage(portal).save("quarantine", tenant_id, mail.raw)
    row = QuarantinedMail(
        tenant_id=tenant_id,
        reason=reason,
        sender=mail.sender or (mail.envelope_sender or ""),
        recipient=(recipient or (mail.recipients[0] if mail.recipients else ""))[:300],
        subject=mail.subject,
        message_id=mail.message_id,
        size=len(mail.raw),
        storage_key=key,
    )
    if db is None:
        async with portal.database.session() as own:
            await _record_quarantine(own, row, detail)
            await own.commit()
    else:
        await _record_quarantine(db, row, detail)
        if commit:
            await db.commit()
    log.info("inbound mail quarantined (%s%s) from %s", reason, f": {detail}" if detail else "", row.sender)
    return Outcome("quarantined", reason)


async def _record_quarantine(db: AsyncSession, row: QuarantinedMail, detail: str) -> None:
    db.add(row)
    await db.flush()
    audit(
        db,
        "mail.quarantined",
        tenant_id=row.tenant_id,
        actor_type="system",
        subject_type="mail",
        subject_id=row.id,
        reason=row.reason,
        detail=detail,
        sender=row.sender,
        recipient=row.recipient,
    )


async def purge_quarantine(portal: Portal, *, limit: int = 1000) -> int:
    """Delete quarantined mail older than :data:`QUARANTINE_KEPT`, raw messages included; returns how many."""
    before = utcnow() - QUARANTINE_KEPT
    async with portal.database.session() as db:
        old = list(
            (
                await db.execute(
                    select(QuarantinedMail.id, QuarantinedMail.storage_key)
                    .where(QuarantinedMail.received_at < before)
                    .order_by(QuarantinedMail.id)
                    .limit(limit)
                )
            ).all()
        )
        if not old:
            return 0
        await db.execute(delete(QuarantinedMail).where(QuarantinedMail.id.in_([row_id for row_id, _key in old])))
        await db.commit()
    storage = get_storage(portal)
    for _row_id, key in old:
        if key:
            try:
                await storage.delete(key)
            except StorageError:
                log.warning("quarantined message %s was already gone from the storage", key)
    return len(old)
