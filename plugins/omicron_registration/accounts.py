"""What happens to OMICRON customers on identity events: company account, membership, device claims."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Membership, Tenant, User, UserEvent, audit, get_or_create_account, grant_membership, service

from .backend import OmicronBackend, company_key
from .settings import NAME


def account_number(company: str) -> str:
    """The portal account of a company: one account per company, its registered users are members."""
    return "OMI-" + (company_key(company)[:40] or "private")


async def join_company(db: AsyncSession, user: User, company: str) -> None:
    """Put ``user`` in the account of ``company``: holder when first, member otherwise."""
    account = await get_or_create_account(db, account_number(company), name=company)
    has_members = await db.scalar(select(Membership.id).where(Membership.account_id == account.id).limit(1))
    await grant_membership(db, user, account, "member" if has_members else "holder")


async def claim_registered_device(db: AsyncSession, tenant: Tenant, user: User) -> None:
    """Record the serial number of the registration as the user's device once the user is active.

    A serial number the registry does not know yet (an operator approved the customer anyway) waits
    for it: see :mod:`.waiting`.
    """
    data = (user.plugin_data or {}).get(NAME) or {}
    serial = data.get("serial")
    if not serial:
        return
    company = user.company or data.get("company", "")
    claimed = await service(tenant, OmicronBackend).claim(db, serial, user.id, company)
    if not claimed:
        from .waiting import wait_for_registry

        await wait_for_registry(db, tenant, user, serial, company)
    audit(
        db,
        "omicron.device_claimed" if claimed else "omicron.device_not_in_registry",
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user.id,
        subject_type="device",
        subject_id=serial,
    )


async def on_user_event(tenant: Tenant, event: UserEvent) -> None:
    """``registered``: company account; ``activated``: the registered device becomes the user's."""
    user = event.user
    if event.name == "registered":
        data = (user.plugin_data or {}).get(NAME) or {}
        company = data.get("company") or str(event.data.get("company") or "")
        if company and not user.company:
            user.company = company
        await join_company(event.db, user, user.company or company)
    elif event.name == "activated":
        await claim_registered_device(event.db, tenant, user)
