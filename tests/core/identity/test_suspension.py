"""Suspending a membership: a user left without an active account cannot sign in and is signed out."""

from __future__ import annotations

from sqlalchemy import select

from core.identity import flows
from core.identity.models import Account, Membership, User, UserStatus
from core.identity.users import get_or_create_account, grant_membership
from tests.core.identity.identity_helpers import sign_in

REFUSAL = "This access cannot be used. Please contact customer service."


async def _suspend(portal, tenant, user_id: int, number: str, *, restore: bool = False) -> None:
    async with portal.database.session(tenant.id) as db:
        user = await db.get(User, user_id)
        account = await db.scalar(select(Account).where(Account.number == number))
        membership = await db.scalar(
            select(Membership).where(Membership.user_id == user_id, Membership.account_id == account.id)
        )
        if restore:
            await flows.restore_membership(db, tenant, membership, user)
        else:
            await flows.suspend_membership(db, tenant, membership, user)
        await db.commit()


async def test_a_suspended_user_is_signed_out_at_once_and_refused_at_sign_in(tenant, tenant_client, make_user, portal):
    user = await make_user(tenant, "kim@example.com", account="A-1", role="member")
    await make_user(tenant, "gone@example.com", status=UserStatus.DISABLED)
    client = tenant_client(tenant)
    assert (await sign_in(client, "kim@example.com")).status_code == 303
    assert (await client.get("/profile")).status_code == 200
    await _suspend(portal, tenant, user.id, "A-1")
    # the open session stops working on the next request
    assert (await client.get("/profile")).status_code == 303
    async with portal.database.session(tenant.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.SUSPENDED
    # signing in again is refused, with the words every other refusal uses
    refused = await sign_in(tenant_client(tenant), "kim@example.com")
    assert refused.status_code == 200
    assert REFUSAL in refused.text
    disabled = await sign_in(tenant_client(tenant), "gone@example.com")
    assert REFUSAL in disabled.text
    # restored: the user signs in again
    await _suspend(portal, tenant, user.id, "A-1", restore=True)
    assert (await sign_in(tenant_client(tenant), "kim@example.com")).status_code == 303


async def test_a_user_with_another_active_account_keeps_signing_in(tenant, tenant_client, make_user, portal):
    user = await make_user(tenant, "kim@example.com", account="A-1", role="member")
    async with portal.database.session(tenant.id) as db:
        other = await get_or_create_account(db, "B-2", name="Account B-2")
        await grant_membership(db, await db.get(User, user.id), other, "member")
        await db.commit()
    client = tenant_client(tenant)
    await sign_in(client, "kim@example.com")
    await _suspend(portal, tenant, user.id, "A-1")
    assert (await client.get("/profile")).status_code == 200  # still a member of B-2
    async with portal.database.session(tenant.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.ACTIVE


async def test_suspending_leaves_no_session_of_the_user(tenant, tenant_client, make_user, portal):
    user = await make_user(tenant, "kim@example.com", account="A-1", role="member")
    client = tenant_client(tenant)
    await sign_in(client, "kim@example.com")
    await _suspend(portal, tenant, user.id, "A-1")
    store = portal.session_store
    assert await store.delete_for_user(tenant.id, user.id) == 0  # nothing was left to end
