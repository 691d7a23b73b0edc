"""Removing one tenant's rows past their period, one batch at a time (each batch commits on its own)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEvent
from core.mail.models import OutboxMessage
from core.storage import Storage, StorageError
from core.ticketing.models import Ticket, TicketAttachment, TicketStatus

log = logging.getLogger("portique.retention")
DONE_STATUSES = ("sent", "failed")  # the outbox no longer needs the body to deliver the mail


async def remove_audit_entries(db: AsyncSession, tenant_id: int, before: datetime, batch: int) -> int:
    """Delete up to ``batch`` of the tenant's audit entries recorded before ``before``; returns how many."""
    ids = list(
        await db.scalars(
            select(AuditEvent.id)
            .where(AuditEvent.tenant_id == tenant_id, AuditEvent.created_at < before)
            .order_by(AuditEvent.id)
            .limit(batch)
        )
    )
    if ids:
        await db.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids)))
        await db.commit()
    return len(ids)


async def clear_outbox_bodies(db: AsyncSession, tenant_id: int, before: datetime, batch: int) -> int:
    """Empty the bodies of up to ``batch`` of the tenant's delivered or failed mails queued before ``before``."""
    ids = list(
        await db.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.tenant_id == tenant_id,
                OutboxMessage.status.in_(DONE_STATUSES),
                OutboxMessage.created_at < before,
                or_(OutboxMessage.text_body != "", OutboxMessage.html_body != ""),
            )
            .order_by(OutboxMessage.id)
            .limit(batch)
        )
    )
    if ids:
        await db.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(text_body="", html_body=""))
        await db.commit()
    return len(ids)


async def remove_closed_tickets(
    db: AsyncSession, storage: Storage, tenant_id: int, before: datetime, batch: int
) -> tuple[int, int]:
    """Delete up to ``batch`` of the tenant's tickets closed before ``before`` (thread, ratings and
    attachments with them), then their attachments' files; returns (tickets, attachments)."""
    ids = list(
        await db.scalars(
            select(Ticket.id)
            .where(Ticket.tenant_id == tenant_id, Ticket.status == TicketStatus.CLOSED, Ticket.closed_at < before)
            .order_by(Ticket.id)
            .limit(batch)
        )
    )
    if not ids:
        return 0, 0
    keys = list(await db.scalars(select(TicketAttachment.storage_key).where(TicketAttachment.ticket_id.in_(ids))))
    await db.execute(delete(TicketAttachment).where(TicketAttachment.ticket_id.in_(ids)))
    await db.execute(delete(Ticket).where(Ticket.id.in_(ids)))
    await db.commit()
    for key in keys:
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("attachment %s was already gone from the storage", key)
    return len(ids), len(keys)
