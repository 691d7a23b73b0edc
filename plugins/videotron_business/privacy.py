"""The user's Vidéotron Business data for their export: their role on each account; a holder also gets the
account as the registry knows it, its services and the secondary users they named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account, ExportPart, Membership, Role, Tenant, User, service
from plugins.videotron_business.backend import AuthorizedUser, VideotronBackend


def _person(person: AuthorizedUser) -> dict[str, Any]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "kind": person.kind,
        "has_portal_access": person.user_id is not None,
    }


async def _account(
    db: AsyncSession, backend: VideotronBackend, user: User, membership: Membership, account: Account
) -> dict[str, Any]:
    entry: dict[str, Any] = {"number": account.number, "role": membership.role, "suspended": membership.suspended}
    people = await backend.authorized_users(db, account.number)
    if membership.role != Role.HOLDER:  # a secondary user gets how the account names them, not the others
        entry["named_as"] = [_person(p) for p in people if p.user_id == user.id]
        return entry
    overview = await backend.account_overview(db, account.number)
    if overview is not None:
        record, lines = overview
        entry["registry"] = {
            "company": record.company,
            "holder_first_name": record.holder_first_name,
            "holder_last_name": record.holder_last_name,
            "email_on_file": record.email_on_file,
            "service_address": record.service_address,
            "postal_code": record.postal_code,
            "mobility": record.mobility,
        }
        entry["services"] = [{"kind": s.kind, "identifier": s.identifier, "description": s.description} for s in lines]
    entry["secondary_users"] = [_person(p) for p in people]
    return entry


async def export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    """One part, ``accounts``: each account the user belongs to, with what their role lets them see."""
    backend = service(tenant, VideotronBackend)
    rows = await db.execute(
        select(Membership, Account)
        .join(Account, Account.id == Membership.account_id)
        .where(Membership.user_id == user.id)
        .order_by(Account.number)
    )
    accounts = [await _account(db, backend, user, membership, account) for membership, account in rows]
    return [ExportPart("accounts", accounts)] if accounts else []
