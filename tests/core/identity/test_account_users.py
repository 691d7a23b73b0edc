"""The account users page: who may see it, invitations, permissions, removal, plugin policies."""

from __future__ import annotations

from types import ModuleType

import httpx
from sqlalchemy import select

from core.hookspecs import hookimpl
from core.identity.models import Membership, UserStatus
from core.identity.policies import AccountUsersPolicy, Permission
from core.plugin_info import PluginInfo
from core.testing import mail_links
from tests.core.identity.identity_helpers import csrf_of, load_user, post_form, sign_in


async def test_holder_invites_changes_and_removes(tenant, tenant_client, make_user, mailbox, portal):
    await make_user(tenant, account="A-1", role="holder")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    page = await client.get("/account/users")
    assert page.status_code == 200
    assert "Account holder" in page.text
    invited = await post_form(
        client,
        "/account/users",
        {"email": "bob@example.com", "first_name": "Bob", "last_name": "Builder", "role": "member"},
    )
    assert invited.status_code == 303
    bob = await load_user(portal, tenant, "bob@example.com")
    assert bob.status == UserStatus.INVITED
    assert any("/invitation/" in link for link in mail_links(await mailbox.last("bob@example.com")))
    again = await post_form(
        client,
        "/account/users",
        {"email": "BOB@example.com", "first_name": "Bob", "last_name": "Builder", "role": "member"},
    )
    assert "already has access" in again.text
    bad_role = await post_form(
        client, "/account/users", {"email": "eve@example.com", "first_name": "E", "last_name": "V", "role": "holder"}
    )
    assert bad_role.status_code == 200
    assert await load_user(portal, tenant, "eve@example.com") is None
    async with portal.database.session(tenant.id) as db:
        membership = await db.scalar(select(Membership).where(Membership.user_id == bob.id))
    listing = await client.get("/account/users")
    assert "Bob Builder" in listing.text
    removed = await client.post(f"/account/users/{membership.id}/remove", data={"csrf_token": csrf_of(listing.text)})
    assert removed.status_code == 303
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(Membership).where(Membership.user_id == bob.id)) is None


async def test_members_cannot_manage_and_other_accounts_are_out_of_reach(tenant, tenant_client, make_user, portal):
    await make_user(tenant, account="A-1", role="holder")
    await make_user(tenant, "mem@example.com", account="A-1", role="member")
    stranger = await make_user(tenant, "str@example.com", account="B-2", role="member")
    member = tenant_client(tenant)
    await sign_in(member, "mem@example.com")
    assert (await member.get("/account/users")).status_code == 403
    holder = tenant_client(tenant)
    await sign_in(holder, "ada@example.com")
    async with portal.database.session(tenant.id) as db:
        foreign = await db.scalar(select(Membership).where(Membership.user_id == stranger.id))
    page = await holder.get("/account/users")
    response = await holder.post(f"/account/users/{foreign.id}/remove", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 404
    response = await holder.post("/account/users/abc/remove", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 404
    async with portal.database.session(tenant.id) as db:
        own = await db.scalar(
            select(Membership).where(Membership.user_id == (await load_user(portal, tenant, "ada@example.com")).id)
        )
    assert (
        await holder.post(f"/account/users/{own.id}/remove", data={"csrf_token": csrf_of(page.text)})
    ).status_code == 403


def _plugin(change_url: str | None, hidden_roles: tuple[str, ...] = ()) -> ModuleType:
    module = ModuleType("acme_users")

    @hookimpl
    def portique_plugin_info():
        return PluginInfo(name="acme_users", version="1", title="Acme users")

    @hookimpl
    def portique_permissions(tenant):
        return [Permission("acme.orders", "Place orders"), Permission("acme.invoices", "See invoices")]

    @hookimpl
    def portique_account_users_policy(tenant, account):
        return AccountUsersPolicy(
            invitable_roles=("member", "admin"), change_url=change_url, notice="Be careful.", hidden_roles=hidden_roles
        )

    module.portique_plugin_info = portique_plugin_info
    module.portique_permissions = portique_permissions
    module.portique_account_users_policy = portique_account_users_policy
    return module


async def _app_with(portique_settings, module):
    from core.app import create_app
    from core.tenancy.service import create_tenant

    application = create_app(portique_settings, extra_plugins={"acme_users": module}, access_log=False)
    portal = application.state.portal
    portal.activate()
    async with portal.database.session() as session:
        tenant = await create_tenant(
            session,
            portal.plugins,
            slug="acme",
            name="Acme",
            locales=["en"],
            default_locale="en",
            plugins=["acme_users"],
        )
        await session.commit()
    await portal.registry.refresh(force=True)
    return application, tenant


async def test_permissions_from_the_plugin_are_granted_and_changed(portique_settings, make_user):
    application, tenant = await _app_with(portique_settings, _plugin(None))
    portal = application.state.portal
    await make_user(tenant, account="A-1", role="holder")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://acme.localhost"
    ) as client:
        await sign_in(client, "ada@example.com")
        page = await client.get("/account/users")
        assert "Place orders" in page.text
        assert "Be careful." in page.text
        response = await client.post(
            "/account/users",
            data={
                "csrf_token": csrf_of(page.text),
                "email": "bob@example.com",
                "first_name": "Bob",
                "last_name": "B",
                "role": "admin",
                "permissions": ["acme.invoices"],
            },
        )
        assert response.status_code == 303
        forged = await client.post(
            "/account/users",
            data={
                "csrf_token": csrf_of(page.text),
                "email": "eve@example.com",
                "first_name": "Eve",
                "last_name": "E",
                "role": "member",
                "permissions": ["superuser"],
            },
        )
        assert forged.status_code == 200
        bob = await load_user(portal, tenant, "bob@example.com")
        async with portal.database.session(tenant.id) as db:
            membership = await db.scalar(select(Membership).where(Membership.user_id == bob.id))
        assert membership.role == "admin"
        assert membership.permissions == ["acme.invoices"]
        changed = await client.post(
            f"/account/users/{membership.id}/permissions",
            data={"csrf_token": csrf_of(page.text), "permissions": ["acme.orders", "acme.invoices"]},
        )
        assert changed.status_code == 303
        async with portal.database.session(tenant.id) as db:
            membership = await db.get(Membership, membership.id)
        assert membership.permissions == ["acme.orders", "acme.invoices"]
    await portal.database.dispose()


async def test_change_url_sends_changes_to_the_plugin_form(portique_settings, make_user):
    application, tenant = await _app_with(portique_settings, _plugin("/acme/users/request"))
    portal = application.state.portal
    await make_user(tenant, account="A-1", role="holder")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://acme.localhost"
    ) as client:
        await sign_in(client, "ada@example.com")
        page = await client.get("/account/users")
        assert 'href="/acme/users/request"' in page.text
        assert 'name="email"' not in page.text
        response = await client.post(
            "/account/users",
            data={"csrf_token": csrf_of(page.text), "email": "bob@example.com", "first_name": "B", "last_name": "B"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/acme/users/request"
        assert await load_user(portal, tenant, "bob@example.com") is None
    await portal.database.dispose()


async def test_hidden_roles_are_neither_listed_nor_changeable(portique_settings, make_user):
    application, tenant = await _app_with(portique_settings, _plugin(None, hidden_roles=("technical",)))
    portal = application.state.portal
    await make_user(tenant, account="A-1", role="holder")
    tech = await make_user(tenant, "tech@example.com", first_name="Robot", account="A-1", role="technical")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://acme.localhost"
    ) as client:
        await sign_in(client, "ada@example.com")
        page = await client.get("/account/users")
        assert "tech@example.com" not in page.text
        async with portal.database.session(tenant.id) as db:
            membership = await db.scalar(select(Membership).where(Membership.user_id == tech.id))
        response = await client.post(f"/account/users/{membership.id}/remove", data={"csrf_token": csrf_of(page.text)})
        assert response.status_code == 404
    await portal.database.dispose()


async def test_dashboard_shows_the_access_widget(tenant, tenant_client, make_user):
    await make_user(tenant, account="A-1", role="holder")
    await make_user(tenant, "mem@example.com", account="A-1", role="member")
    holder = tenant_client(tenant)
    await sign_in(holder, "ada@example.com")
    assert 'href="/account/users"' in (await holder.get("/")).text
    member = tenant_client(tenant)
    await sign_in(member, "mem@example.com")
    home = await member.get("/")
    assert 'href="/profile/sessions"' in home.text
    assert 'href="/account/users"' not in home.text
