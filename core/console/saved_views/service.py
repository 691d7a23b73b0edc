"""Saved queue views of a staff member: the ones they see, saving (a name again replaces) and deleting."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.console.saved_views.filters import applies_to
from core.console.saved_views.models import SavedView
from core.staff.models import Staff


async def views_for(db: AsyncSession, staff: Staff, tenant_ids: Sequence[int]) -> list[SavedView]:
    """The staff member's views and those shared with all staff, except views of tenants they do not see."""
    rows = await db.scalars(
        select(SavedView)
        .where(or_(SavedView.staff_id == staff.id, SavedView.shared.is_(True)))
        .order_by(SavedView.name, SavedView.id)
    )
    return [view for view in rows if applies_to(view.filters, tenant_ids)]


async def own_view(db: AsyncSession, staff: Staff, view_id: int) -> SavedView | None:
    """The view ``view_id`` if ``staff`` saved it."""
    return await db.scalar(select(SavedView).where(SavedView.id == view_id, SavedView.staff_id == staff.id))


def _audit(db: AsyncSession, action: str, staff: Staff, view: SavedView, request: Request) -> None:
    audit(
        db,
        action,
        request=request,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="saved_view",
        subject_id=view.id,
        name=view.name,
        filters=view.filters,
        shared=view.shared,
    )


async def save_view(
    db: AsyncSession, staff: Staff, name: str, filters: dict[str, str], *, shared: bool, request: Request
) -> SavedView:
    """Save ``filters`` as ``name`` (replacing the staff member's view of that name); the caller commits.

    Only operators share views with all staff; an agent's ``shared`` is ignored.
    """
    view = await db.scalar(select(SavedView).where(SavedView.staff_id == staff.id, SavedView.name == name))
    if view is None:
        view = SavedView(staff_id=staff.id, name=name)
        db.add(view)
    view.filters = filters
    view.shared = shared and staff.is_operator
    await db.flush()
    _audit(db, "console.view_saved", staff, view, request)
    return view


async def delete_view(db: AsyncSession, staff: Staff, view: SavedView, request: Request) -> None:
    """Delete one of the staff member's views (the caller commits), audited as ``console.view_deleted``."""
    _audit(db, "console.view_deleted", staff, view, request)
    await db.delete(view)
