"""Changing what a staff member works on: role, tenants and ticket categories (audited)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.staff.accounts import StaffError
from core.staff.guards import keep_an_operator
from core.staff.models import Staff, StaffCategory, StaffRole, StaffTenant
from core.tenancy.models import Tenant


async def scope_of(db: AsyncSession, staff: Staff) -> tuple[list[int], list[str]]:
    """The tenant ids and ticket categories given to ``staff`` (empty categories: every category)."""
    tenant_ids = list(await db.scalars(select(StaffTenant.tenant_id).where(StaffTenant.staff_id == staff.id)))
    categories = list(await db.scalars(select(StaffCategory.category).where(StaffCategory.staff_id == staff.id)))
    return sorted(tenant_ids), sorted(categories)


async def change_scope(
    db: AsyncSession,
    actor: Staff,
    staff: Staff,
    *,
    role: str,
    tenant_ids: Sequence[int],
    categories: Sequence[str],
    request: Request | None = None,
) -> None:
    """Give ``staff`` this role, these tenants and categories (the caller commits).

    Raises :class:`StaffError` when the change would leave no active operator.
    """
    if role not in (StaffRole.OPERATOR, StaffRole.AGENT):
        raise StaffError("role", f"role must be operator or agent, not {role!r}")
    if role != staff.role:
        await keep_an_operator(db, staff, "role")
    known = set(await db.scalars(select(Tenant.id).where(Tenant.id.in_(tenant_ids)))) if tenant_ids else set()
    await db.execute(delete(StaffTenant).where(StaffTenant.staff_id == staff.id))
    await db.execute(delete(StaffCategory).where(StaffCategory.staff_id == staff.id))
    for tenant_id in sorted(known):
        db.add(StaffTenant(staff_id=staff.id, tenant_id=tenant_id))
    for category in dict.fromkeys(categories):
        db.add(StaffCategory(staff_id=staff.id, category=category))
    previous_role, staff.role = staff.role, role
    audit(
        db,
        "console.staff_scope_changed",
        request=request,
        actor_type="staff",
        actor_id=actor.id,
        subject_type="staff",
        subject_id=staff.id,
        role=role,
        previous_role=previous_role,
        tenants=sorted(known),
        categories=list(dict.fromkeys(categories)),
    )
    await db.flush()
