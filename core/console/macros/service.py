"""Reply macros within a staff member's tenants: listing, finding, changing (audited) and counting uses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.console.macros.models import ReplyMacro
from core.db.base import utcnow
from core.staff.models import Staff
from core.ticketing.models import Ticket


async def macros_of(db: AsyncSession, tenant_ids: Sequence[int]) -> list[ReplyMacro]:
    """The macros of ``tenant_ids``, by tenant, language and title."""
    query = select(ReplyMacro).where(ReplyMacro.tenant_id.in_(tenant_ids))
    return list(await db.scalars(query.order_by(ReplyMacro.tenant_id, ReplyMacro.locale, ReplyMacro.title)))


async def scoped_macro(db: AsyncSession, macro_id: int | None, tenant_ids: Sequence[int]) -> ReplyMacro | None:
    """The macro ``macro_id`` if it belongs to one of ``tenant_ids``; ``None`` otherwise (or when unknown)."""
    if macro_id is None:
        return None
    return await db.scalar(select(ReplyMacro).where(ReplyMacro.id == macro_id, ReplyMacro.tenant_id.in_(tenant_ids)))


async def macros_by_id(db: AsyncSession, macro_ids: Sequence[int], tenant_ids: Sequence[int]) -> list[ReplyMacro]:
    """The macros among ``macro_ids`` that belong to one of ``tenant_ids``."""
    if not macro_ids:
        return []
    query = select(ReplyMacro).where(ReplyMacro.id.in_(macro_ids), ReplyMacro.tenant_id.in_(tenant_ids))
    return list(await db.scalars(query.order_by(ReplyMacro.id)))


def _audit(db: AsyncSession, action: str, staff: Staff, macro: ReplyMacro, request: Request, **data: object) -> None:
    audit(
        db,
        action,
        request=request,
        tenant_id=macro.tenant_id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="reply_macro",
        subject_id=macro.id,
        **data,
    )


async def create_macro(
    db: AsyncSession, staff: Staff, tenant_id: int, *, title: str, locale: str, body: str, request: Request
) -> ReplyMacro:
    """Add a macro to ``tenant_id`` (the caller commits), audited as ``console.macro_created``."""
    macro = ReplyMacro(tenant_id=tenant_id, title=title, locale=locale, body=body)
    db.add(macro)
    await db.flush()
    _audit(db, "console.macro_created", staff, macro, request, title=title, locale=locale)
    return macro


def update_macro(
    db: AsyncSession, staff: Staff, macro: ReplyMacro, *, title: str, locale: str, body: str, request: Request
) -> None:
    """Change a macro's title, language and body (the caller commits), audited as ``console.macro_changed``."""
    macro.title, macro.locale, macro.body = title, locale, body
    macro.updated_at = utcnow()
    _audit(db, "console.macro_changed", staff, macro, request, title=title, locale=locale)


async def delete_macro(db: AsyncSession, staff: Staff, macro: ReplyMacro, request: Request) -> None:
    """Remove a macro (the caller commits), audited as ``console.macro_deleted`` with its title."""
    _audit(db, "console.macro_deleted", staff, macro, request, title=macro.title, locale=macro.locale)
    await db.delete(macro)


def record_use(db: AsyncSession, staff: Staff, macro: ReplyMacro, ticket: Ticket, request: Request) -> None:
    """Count a reply sent with ``macro`` on ``ticket`` (the caller commits), audited as ``console.macro_used``."""
    macro.use_count = ReplyMacro.use_count + 1  # in SQL: two agents sending at once both count
    macro.last_used_at = utcnow()
    _audit(db, "console.macro_used", staff, macro, request, ticket=ticket.reference)
