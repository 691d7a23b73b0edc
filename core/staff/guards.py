"""The rule every staff change keeps: the deployment always has an active operator."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import gettext as _
from core.staff.accounts import StaffError
from core.staff.models import Staff, StaffRole


async def keep_an_operator(db: AsyncSession, staff: Staff, field: str) -> None:
    """Raise :class:`StaffError` on ``field`` when ``staff`` is the last active operator."""
    if not (staff.active and staff.is_operator):
        return
    others = await db.scalar(
        select(func.count())
        .select_from(Staff)
        .where(Staff.role == StaffRole.OPERATOR, Staff.active.is_(True), Staff.id != staff.id)
    )
    if not others:
        raise StaffError(field, _("This is the last active operator: add another operator first."))
