"""Whether a staff member must sign in to the console with a passkey: the deployment or a tenant says so.

The deployment setting ``PORTIQUE_STAFF_PASSKEYS=require`` asks it of every staff member; a tenant
asks it of the staff who work on it with ``settings["passkeys"]["require_for_staff"]`` (validated by
:class:`StaffPasskeySettings`, the passkeys plugin's settings model).
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.portal import get_portal
from core.staff.accounts import tenant_ids_of
from core.staff.models import Staff
from core.tenancy.models import Tenant


class StaffPasskeySettings(BaseModel):
    """Stored under ``settings["passkeys"]``: the staff who work on this tenant must use a passkey."""

    require_for_staff: bool = False


def tenant_requires(tenant: Tenant) -> bool:
    """Whether ``tenant`` requires passkeys of the staff who work on it."""
    return StaffPasskeySettings.model_validate(tenant.plugin_settings("passkeys")).require_for_staff


async def passkey_required(db: AsyncSession, staff: Staff) -> bool:
    """Whether ``staff`` must show a passkey: the deployment requires it, or a tenant of their scope does."""
    if get_portal().settings.staff_passkeys == "require":
        return True
    tenant_ids = await tenant_ids_of(db, staff)
    if not tenant_ids:
        return False
    tenants = await db.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))
    return any(tenant_requires(tenant) for tenant in tenants)
