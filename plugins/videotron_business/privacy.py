"""The user's Vidéotron Business data for their export (their role on each account; a holder also gets the
account as the registry knows it, its services and the secondary users they named) and the rules of their
account's deletion: a holder cannot delete it while secondary users remain on the account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account, DeletionRule, ExportPart, Membership, Role, Tenant, User, gettext, ngettext, service
from plugins.videotron_business.backend import AuthorizedUser, VideotronBackend
from plugins.videotron_business.models import AuthorizedUserType, HolderRegistration, RegistryAuthorizedUser


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


async def _held_accounts(db: AsyncSession, user: User) -> list[str]:
    """The numbers of the accounts the user holds."""
    query = (
        select(Account.number)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.user_id == user.id, Membership.role == Role.HOLDER)
        .order_by(Account.number)
    )
    return list(await db.scalars(query))


async def _refusal(db: AsyncSession, backend: VideotronBackend, user: User) -> str | None:
    """Why a holder may not delete their account yet: the secondary users still on it, and the way out."""
    for number in await _held_accounts(db, user):
        people = await backend.authorized_users(db, number)
        count = sum(1 for p in people if p.kind == AuthorizedUserType.SECONDARY and p.user_id != user.id)
        if count:
            return ngettext(
                "You hold account %(number)s, on which %(count)s secondary user remains. Remove the secondary "
                "users first under Your account, User management, then delete your account.",
                "You hold account %(number)s, on which %(count)s secondary users remain. Remove the secondary "
                "users first under Your account, User management, then delete your account.",
                count,
                number=number,
                count=count,
            )
    return None


async def _erase(db: AsyncSession, user: User) -> dict[str, int]:
    """Unlink the user from the people the accounts name, and forget their holder registrations."""
    unlinked = await db.execute(
        update(RegistryAuthorizedUser).where(RegistryAuthorizedUser.user_id == user.id).values(user_id=None)
    )
    registrations = await db.execute(delete(HolderRegistration).where(HolderRegistration.user_id == user.id))
    return {
        "accesses_unlinked": int(getattr(unlinked, "rowcount", 0) or 0),
        "holder_registrations_removed": int(getattr(registrations, "rowcount", 0) or 0),
    }


async def deletion_rule(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    """Refused to a holder while secondary users remain; otherwise only the portal access goes."""
    backend = service(tenant, VideotronBackend)

    async def erase() -> dict[str, int]:
        return await _erase(db, user)

    return DeletionRule(
        refusal=await _refusal(db, backend, user),
        keeps=(
            gettext(
                "Your Vidéotron Business accounts and services stay as they are: "
                "only your access to this portal is removed."
            ),
        ),
        erase=erase,
    )
