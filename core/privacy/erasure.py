"""The core's part of a deletion: the user row anonymised, sessions and links revoked, memberships
removed, tickets kept with the requester anonymised, export archives deleted."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.identity.flows import revoke_sessions
from core.identity.models import ActionToken, Membership, RecoveryCode, User, UserStatus
from core.portal import Portal
from core.privacy.expiry import expire_export
from core.privacy.models import OPEN_STATUSES, ExportRequest, ExportStatus
from core.ticketing.models import Ticket, TicketMessage


def anonymous_address(user: User) -> str:
    """The address a deleted user row keeps: unique on the tenant, reserved (``.invalid``), naming nobody."""
    return f"deleted-{user.id}@deleted.invalid"


def _anonymise_row(user: User) -> None:
    address = anonymous_address(user)
    user.email = user.email_normalized = address
    user.username = user.username_normalized = None
    user.first_name = user.last_name = user.phone = user.company = ""
    user.locale = None
    user.password_hash = None
    user.totp_secret = None
    user.must_change_password = False
    user.plugin_data = {}
    user.status = UserStatus.DISABLED


async def _anonymise_tickets(db: AsyncSession, user: User) -> int:
    result = await db.execute(
        update(Ticket)
        .where(Ticket.requester_user_id == user.id)
        .values(requester_user_id=None, requester_email=anonymous_address(user), requester_name="")
    )
    await db.execute(update(TicketMessage).where(TicketMessage.author_user_id == user.id).values(author_name=""))
    return int(getattr(result, "rowcount", 0) or 0)


async def _drop_exports(portal: Portal, db: AsyncSession, user: User) -> int:
    exports = list(await db.scalars(select(ExportRequest).where(ExportRequest.user_id == user.id)))
    for export in exports:
        if export.status == ExportStatus.READY:
            await expire_export(portal, db, export)
        elif export.status in OPEN_STATUSES:
            export.status = ExportStatus.FAILED
    return len(exports)


async def erase_core_data(portal: Portal, db: AsyncSession, user: User) -> dict[str, int]:
    """Anonymise ``user`` in the core's tables (in ``db``'s transaction); answers what was done, counted."""
    sessions = await revoke_sessions(user, db=db)
    tokens = await db.execute(
        update(ActionToken)
        .where(ActionToken.user_id == user.id, ActionToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    memberships = await db.execute(delete(Membership).where(Membership.user_id == user.id))
    await db.execute(delete(RecoveryCode).where(RecoveryCode.owner_id == user.id))
    done = {
        "sessions_revoked": sessions,
        "links_revoked": int(getattr(tokens, "rowcount", 0) or 0),
        "memberships_removed": int(getattr(memberships, "rowcount", 0) or 0),
        "tickets_anonymised": await _anonymise_tickets(db, user),
        "exports_deleted": await _drop_exports(portal, db, user),
    }
    _anonymise_row(user)
    return done
