"""Demo staff for ``portique demo``: an operator (with a published TOTP secret) and an agent per tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.demo import DemoAccount
from core.staff.accounts import create_staff
from core.staff.models import Staff, StaffRole, StaffTenant
from core.tenancy.models import Tenant

OPERATOR = "operator@portique.example"
AGENT = "agent@portique.example"
PASSWORD = "Console-Demo-2026!"  # noqa: S105 - demo data, printed by `portique demo`
# Published on purpose: demo operators sign in with codes from any authenticator app or oathtool.
# 32 base32 characters (160 bits), as every secret the console creates: pyotp refuses short ones.
DEMO_TOTP_SECRET = "PORTIQUEDEMOOPERATORTWOSTEPCODE2"  # noqa: S105 - demo data, printed by `portique demo`


async def demo_staff(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    """Create the demo operator and agent once, and give the agent this tenant's queue."""
    operator = await db.scalar(select(Staff).where(Staff.email == OPERATOR))
    if operator is None:
        operator = await create_staff(
            db, email=OPERATOR, name="Demo operator", password=PASSWORD, role=StaffRole.OPERATOR
        )
    operator.totp_secret = DEMO_TOTP_SECRET  # also renews the 80-bit secret of older demo databases
    agent = await db.scalar(select(Staff).where(Staff.email == AGENT))
    if agent is None:
        agent = await create_staff(db, email=AGENT, name="Demo agent", password=PASSWORD, role=StaffRole.AGENT)
    link = await db.scalar(
        select(StaffTenant.staff_id).where(StaffTenant.staff_id == agent.id, StaffTenant.tenant_id == tenant.id)
    )
    if link is None:
        db.add(StaffTenant(staff_id=agent.id, tenant_id=tenant.id))
    await db.flush()
    return [DemoAccount(AGENT, PASSWORD, f"console agent of this portal: /t/{tenant.slug}/console")]
