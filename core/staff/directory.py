"""The staff list of the console: each account with its tenants and categories, in three queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.staff.models import Staff, StaffCategory, StaffTenant
from core.tenancy.models import Tenant


@dataclass
class StaffEntry:
    """One staff account as the list shows it."""

    staff: Staff
    tenants: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


async def staff_directory(db: AsyncSession) -> list[StaffEntry]:
    """Every staff account, by name, with the names of its tenants and its categories."""
    entries = {s.id: StaffEntry(s) for s in await db.scalars(select(Staff).order_by(Staff.name, Staff.id))}
    tenants = await db.execute(
        select(StaffTenant.staff_id, Tenant.name).join(Tenant, Tenant.id == StaffTenant.tenant_id).order_by(Tenant.name)
    )
    for staff_id, name in tenants:
        entries[staff_id].tenants.append(name)
    categories = await db.scalars(select(StaffCategory).order_by(StaffCategory.category))
    for row in categories:
        entries[row.staff_id].categories.append(row.category)
    return list(entries.values())
