"""The core's part of an export (``core.json``): profile, memberships, sessions, audit entries, tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.models import AuditEvent
from core.identity.models import Account, Membership, User
from core.portal import Portal
from core.privacy.parts import ExportFile, ExportPart
from core.storage import StorageError, get_storage
from core.ticketing.models import Ticket, TicketAttachment, TicketMessage

PROFILE_FIELDS = (
    "email",
    "username",
    "first_name",
    "last_name",
    "phone",
    "company",
    "locale",
    "status",
    "created_at",
    "confirmed_at",
    "last_login_at",
)
"""What the profile holds of the person; secrets (password hash, TOTP secret) are left out."""


def profile_of(user: User) -> dict[str, Any]:
    """The user's profile, with two-step verification as on/off only."""
    return {
        **{name: getattr(user, name) for name in PROFILE_FIELDS},
        "two_step_verification": bool(user.totp_secret),
    }


async def memberships_of(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    """The accounts the user belongs to, with role and permissions."""
    rows = await db.execute(
        select(Membership, Account)
        .join(Account, Account.id == Membership.account_id)
        .where(Membership.user_id == user.id)
        .order_by(Account.number)
    )
    return [
        {
            "account_number": account.number,
            "account_name": account.name,
            "role": membership.role,
            "permissions": list(membership.permissions or []),
            "suspended": membership.suspended,
            "since": membership.created_at,
        }
        for membership, account in rows
    ]


async def sessions_of(portal: Portal, user: User) -> list[dict[str, Any]]:
    """The user's open sessions: when and from where (never their identifiers)."""
    sessions = await portal.session_store.list_for_user(user.tenant_id, user.id)
    return [
        {
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
            "expires_at": s.expires_at,
            "ip": s.ip,
            "user_agent": s.user_agent,
        }
        for s in sessions
    ]


async def audit_entries_of(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    """Audit entries of the user's tenant about the user or done by the user, oldest first."""
    rows = await db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.tenant_id == user.tenant_id,
            or_(
                and_(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id)),
                and_(AuditEvent.actor_type == "user", AuditEvent.actor_id == user.id),
            ),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return [
        {"at": e.created_at, "action": e.action, "ip": e.ip, "user_agent": e.user_agent, "data": e.data} for e in rows
    ]


async def tickets_of(db: AsyncSession, user: User) -> tuple[list[dict[str, Any]], list[ExportFile]]:
    """The user's tickets with their public messages, the attachments' metadata and their files."""
    tickets = list(
        await db.scalars(select(Ticket).where(Ticket.requester_user_id == user.id).order_by(Ticket.created_at))
    )
    ids = [ticket.id for ticket in tickets]
    messages = list(
        await db.scalars(
            select(TicketMessage)
            .where(TicketMessage.ticket_id.in_(ids), TicketMessage.internal.is_(False))
            .order_by(TicketMessage.created_at, TicketMessage.id)
        )
    )
    public = {message.id for message in messages}
    attachments = [
        a
        for a in await db.scalars(
            select(TicketAttachment).where(TicketAttachment.ticket_id.in_(ids)).order_by(TicketAttachment.id)
        )
        if a.message_id in public
    ]
    storage = get_storage()
    files: list[ExportFile] = []
    listed: dict[int, list[dict[str, Any]]] = {}
    reference = {ticket.id: ticket.reference for ticket in tickets}
    for attachment in attachments:
        name = f"{reference[attachment.ticket_id]}-{attachment.id}-{attachment.filename}"
        try:
            files.append(ExportFile(name, attachment.content_type, await storage.read(attachment.storage_key)))
            archived = name
        except StorageError:
            archived = ""  # the file is gone (quarantined or purged): its metadata stays
        listed.setdefault(attachment.message_id, []).append(
            {
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "created_at": attachment.created_at,
                "file": archived,
            }
        )
    by_ticket: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        by_ticket.setdefault(message.ticket_id, []).append(
            {
                "at": message.created_at,
                "author": message.author_type,
                "author_name": message.author_name,
                "via": message.via,
                "body": message.body,
                "attachments": listed.get(message.id, []),
            }
        )
    data = [
        {
            "reference": t.reference,
            "category": t.category,
            "subject": t.subject,
            "status": t.status,
            "fields": t.fields,
            "created_at": t.created_at,
            "resolved_at": t.resolved_at,
            "closed_at": t.closed_at,
            "messages": by_ticket.get(t.id, []),
        }
        for t in tickets
    ]
    return data, files


async def core_part(portal: Portal, db: AsyncSession, user: User) -> ExportPart:
    """``core.json`` and the tickets' attachments."""
    tickets, files = await tickets_of(db, user)
    data = {
        "profile": profile_of(user),
        "memberships": await memberships_of(db, user),
        "sessions": await sessions_of(portal, user),
        "audit": await audit_entries_of(db, user),
        "tickets": tickets,
    }
    return ExportPart("core", data, tuple(files))
