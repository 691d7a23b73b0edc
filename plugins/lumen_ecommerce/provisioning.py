"""Provisioning an approved access request: the account, its administrator and its users (usernames,
memberships, permissions, mails), in a savepoint that marks the request ``failed`` when it breaks."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    ACTIVE_AT_ONCE,
    Account,
    Membership,
    Role,
    Tenant,
    User,
    UserStatus,
    activate_user,
    audit,
    change_email,
    create_user,
    find_user_by_email,
    get_or_create_account,
    grant_membership,
    normalize_email,
    queue_mail,
    register_user,
    service,
    username_taken,
)
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.models import LumenAccessRequest, RequestAction, RequestStatus
from plugins.lumen_ecommerce.rules import PERM_PRICES, PERMISSION_OF_CHOICE, numbered_username, username_base
from plugins.lumen_ecommerce.settings import NAME

log = logging.getLogger("portique.lumen")


async def make_username(db: AsyncSession, first_name: str, last_name: str) -> str:
    """The username scheme: first initial + last name, lower-case ASCII, at most 20 characters,
    then 2, 3… when taken on the tenant (``Émilie Côté`` → ``ecote``, then ``ecote2``)."""
    base = username_base(first_name, last_name)
    candidate, suffix = base, 1
    while await username_taken(db, candidate):
        suffix += 1
        candidate = numbered_username(base, suffix)
    return candidate


async def retry_provisioning(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest) -> None:
    """Provision again a request whose provisioning failed (``portique lumen retry``)."""
    row.status, row.error = RequestStatus.PENDING, ""
    await provision_safely(db, tenant, row, None)


async def provision_safely(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest, staff_id: int | None) -> None:
    """Provision in a savepoint: on success audit who approved (``staff_id``, else the system); on failure
    mark the request ``failed`` with the error and keep its evidence."""
    try:
        async with db.begin_nested():
            await provision(db, tenant, row)
    except Exception as exc:
        log.exception("provisioning of %s failed", row.reference)
        row.status = RequestStatus.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        audit(
            db,
            "lumen.access_request.provisioning_failed",
            tenant_id=tenant.id,
            subject_type="lumen_access_request",
            subject_id=row.id,
            error=row.error,
        )
        return
    audit(
        db,
        "lumen.access_request.provisioned",
        tenant_id=tenant.id,
        actor_type="staff" if staff_id else "system",
        actor_id=staff_id,
        subject_type="lumen_access_request",
        subject_id=row.id,
    )


async def provision(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest) -> list[User]:
    """Create or change the account and its users as the signed request says; mail every person."""
    content = row.content
    registry = service(tenant, CustomerRegistry)
    record = await registry.lookup(db, row.customer_number)
    account = await get_or_create_account(
        db,
        row.customer_number,
        name=content.get("company") or (record.name if record else ""),
        address=f"{content.get('address', '')}, {content.get('city', '')} {content.get('postal_code', '')}",
    )
    touched: list[User] = []
    if row.action == RequestAction.CREATE:
        _open_ecommerce(account, row)
    if row.action in (RequestAction.CREATE, RequestAction.ADD):
        admin_email = normalize_email(content.get("admin_email", ""))
        for index, entry in enumerate(content.get("users", [])):
            is_admin = row.action == RequestAction.CREATE and index == 0
            added = await _add_user(db, tenant, account, entry, row, admin=is_admin)
            if is_admin:
                assert normalize_email(added.email) == admin_email
            touched.append(added)
    elif row.action == RequestAction.MODIFY:
        for entry in content.get("users", []):
            changed = await _modify_user(db, tenant, account, entry, row)
            if changed is not None:
                touched.append(changed)
    elif row.action == RequestAction.REMOVE:
        for entry in content.get("users", []):
            removed = await _remove_user(db, tenant, account, entry, row)
            if removed is not None:
                touched.append(removed)
    row.status = RequestStatus.PROVISIONED
    row.account_id = account.id
    if row.action != RequestAction.CREATE:
        queue_mail(
            db,
            tenant,
            row.signer_email,
            "lumen_ecommerce/request_done",
            {"row": row, "users": touched},
            locale=row.locale,
        )
    return touched


def _open_ecommerce(account: Account, row: LumenAccessRequest) -> None:
    """Mark the customer account as an e-commerce one, with what the signed creation request chose."""
    content = row.content
    data = dict(account.plugin_data or {})
    data.update(
        {
            "ecommerce": True,
            "platforms": content.get("platforms", []),
            "project_account": content.get("project_account") == "yes",
            "phone": content.get("phone", ""),
            "request": row.reference,
        }
    )
    account.plugin_data = data


async def _remove_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest
) -> User | None:
    """Take one person off the account (disabled when it was their last one) and tell them; None if not a member."""
    user = await find_user_by_email(db, entry.get("email", ""))
    if user is None:
        return None
    membership = await db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
    )
    if membership is None:
        return None
    await db.delete(membership)
    await db.flush()
    remaining = await db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    if remaining is None:
        user.status = UserStatus.DISABLED
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/access_removed",
        {"user": user, "account": account, "row": row},
        locale=user.locale or row.locale,
    )
    return user


async def _modify_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest
) -> User | None:
    """Apply one block of a signed modification: permission, name, e-mail (the old address is told)."""
    user = await find_user_by_email(db, entry.get("current_email") or entry.get("email", ""))
    if user is None:
        return None
    membership = await db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
    )
    if membership is None or membership.role == Role.HOLDER:
        return None
    permission = PERMISSION_OF_CHOICE.get(entry.get("permission", ""), PERM_PRICES)
    before = {
        "permissions": list(membership.permissions or []),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }
    membership.permissions = [permission]
    user.first_name = entry.get("first_name") or user.first_name
    user.last_name = entry.get("last_name") or user.last_name
    new_email = (entry.get("email") or "").strip()
    if new_email and normalize_email(new_email) != user.email_normalized:
        await change_email(db, tenant, user, new_email, confirmed=True)
    audit(
        db,
        "lumen.user_modified",
        tenant_id=tenant.id,
        subject_type="user",
        subject_id=user.id,
        reference=row.reference,
        before=before,
        after={
            "permissions": [permission],
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
        },
    )
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/access_changed",
        {"user": user, "account": account, "permission": permission},
        locale=user.locale or row.locale,
    )
    return user


async def _add_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest, *, admin: bool
) -> User:
    """Give one person of a provisioned request their access: a new user is registered through the core
    (the request was signed and approved: active at once), a disabled one is activated again."""
    permission = PERMISSION_OF_CHOICE.get(entry.get("permission", ""), PERM_PRICES)
    user = await find_user_by_email(db, entry["email"])
    created = user is None
    if user is None:
        username = await make_username(db, entry.get("first_name", ""), entry.get("last_name", ""))
        user = await create_user(
            db,
            email=entry["email"],
            username=username,
            password=None,
            first_name=entry.get("first_name", ""),
            last_name=entry.get("last_name", ""),
            company=row.company,
            locale=row.locale,
            plugin_data={NAME: {"request": row.reference}},
        )
    await grant_membership(db, user, account, Role.HOLDER if admin else Role.MEMBER, [permission])
    if created:
        data = {"via": "access_request", "request": row.reference}
        await register_user(db, tenant, user, data=data, policy=ACTIVE_AT_ONCE)
    elif user.status == UserStatus.DISABLED:
        await activate_user(db, tenant, user, notify=False)
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/account_created" if created else "lumen_ecommerce/access_added",
        {
            "user": user,
            "account": account,
            "admin": admin,
            "permission": permission,
        },
        locale=user.locale or row.locale,
    )
    return user
