"""The user, membership and account loaded in the session's own statement (``core.identity.principal``)."""

from __future__ import annotations

from datetime import timedelta

from core.api import Role, UserStatus, create_user, get_or_create_account, grant_membership, utcnow
from core.identity.principal import loaded_principal
from core.sessions.state import hash_session_id, new_session_id
from core.sessions.store import SessionData


async def _session_of(portal, tenant_id: int, user_id: int) -> str:
    session_id = hash_session_id(new_session_id(stored=True))
    await portal.session_store.save(
        SessionData(id=session_id, tenant_id=tenant_id, expires_at=utcnow() + timedelta(hours=1), user_id=user_id)
    )
    return session_id


async def _user_with_accounts(portal, tenant_id: int, *, suspended_first: bool = False, accounts: int = 2):
    async with portal.database.session(tenant_id) as db:
        user = await create_user(db, email="p@example.com", username="p", status=UserStatus.ACTIVE)
        memberships = []
        for n in range(accounts):
            account = await get_or_create_account(db, f"ACC-{n}", name=f"Account {n}")
            memberships.append(await grant_membership(db, user, account, role=Role.HOLDER))
        if suspended_first and memberships:
            memberships[0].suspended = True
        await db.commit()
        return user.id, [m.id for m in memberships]


async def test_the_first_active_membership_comes_with_the_session(portal, make_tenant):
    tenant = await make_tenant("acme")
    user_id, membership_ids = await _user_with_accounts(portal, tenant.id, suspended_first=True)
    record = await portal.session_store.load(await _session_of(portal, tenant.id, user_id), tenant.id)
    principal = loaded_principal(record.companion, user_id)
    assert principal is not None
    assert principal.user.id == user_id
    assert principal.membership.id == membership_ids[1]  # the suspended first one is skipped
    assert principal.account.id == principal.membership.account_id


async def test_a_user_without_membership_loads_none(portal, make_tenant):
    tenant = await make_tenant("acme")
    user_id, _ = await _user_with_accounts(portal, tenant.id, accounts=0)
    record = await portal.session_store.load(await _session_of(portal, tenant.id, user_id), tenant.id)
    principal = loaded_principal(record.companion, user_id)
    assert principal is not None
    assert principal.user.id == user_id
    assert principal.membership is None
    assert principal.account is None


async def test_a_session_pointing_at_another_tenants_user_loads_no_principal(portal, make_tenant):
    """A session row of tenant B naming a user id of tenant A never brings A's user or accounts."""
    acme = await make_tenant("acme")
    globex = await make_tenant("globex")
    user_id, _ = await _user_with_accounts(portal, acme.id)
    record = await portal.session_store.load(await _session_of(portal, globex.id, user_id), globex.id)
    assert record is not None
    assert loaded_principal(record.companion, user_id) is None
    assert record.companion == (None, None, None)


async def test_user_look_ups_built_once_stay_within_the_session_tenant(portal, make_tenant):
    """The sign-in look-ups are prebuilt statements: the tenant criterion must still apply to them."""
    from core.api import find_user_by_email, find_user_by_username

    acme = await make_tenant("acme")
    globex = await make_tenant("globex")
    await _user_with_accounts(portal, acme.id, accounts=0)
    async with portal.database.session(globex.id) as db:
        assert await find_user_by_email(db, "p@example.com") is None
        assert await find_user_by_username(db, "P") is None
    async with portal.database.session(acme.id) as db:
        assert (await find_user_by_email(db, " P@Example.com")).username == "p"
        assert (await find_user_by_username(db, "P")).email == "p@example.com"
