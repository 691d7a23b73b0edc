"""Staff passkeys: adding one on one's own page, signing in to the console with it, requiring one."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.passkeys.models import StaffPasskey
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.testing import csrf_of
from tests.core.console.conftest import PASSWORD, staff_login
from tests.core.passkeys.soft_authenticator import SoftPasskey


def device() -> SoftPasskey:
    return SoftPasskey(origin="http://localhost", rp_id="localhost")


async def post_json(client: httpx.AsyncClient, page: str, url: str, body: dict[str, Any] | None = None) -> Any:
    token = csrf_of((await client.get(page)).text)
    return await client.post(url, headers={"X-CSRF-Token": token}, json=body or {})


async def add_key(client: httpx.AsyncClient, key: SoftPasskey) -> httpx.Response:
    reply = (await post_json(client, "/console/passkeys", "/console/passkeys/options")).json()
    credential = key.create(reply["publicKey"])
    return await client.post(
        "/console/passkeys/add",
        headers={"X-CSRF-Token": reply["csrfToken"]},
        json={"name": "Desk", "credential": credential},
    )


async def passkey_login(client: httpx.AsyncClient, key: SoftPasskey) -> httpx.Response:
    reply = (await post_json(client, "/console/login", "/console/login/passkey/options")).json()
    return await client.post(
        "/console/login/passkey",
        headers={"X-CSRF-Token": reply["csrfToken"]},
        json={"credential": key.get(reply["publicKey"]), "next": "/console/tickets"},
    )


@pytest.fixture
async def agent(make_staff):
    return await make_staff("agent@ops.test")


async def test_a_staff_member_adds_a_passkey_and_signs_in_with_it(agent, operator_client, app, portal):
    assert (await staff_login(operator_client, agent)).status_code == 303
    key = device()
    added = await add_key(operator_client, key)
    assert added.status_code == 200, added.text
    assert "Desk" in (await operator_client.get("/console/passkeys")).text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as fresh:
        answer = await passkey_login(fresh, key)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"redirect": "/console/tickets"}
        assert (await fresh.get("/console/tickets")).status_code == 200
        replay = await passkey_login(fresh, SoftPasskey(origin="http://localhost", rp_id="localhost"))
        assert replay.status_code == 400
    async with portal.database.session() as db:
        logged = list(await db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    actions = [e.action for e in logged]
    assert "passkeys.added" in actions
    assert "passkeys.used" in actions
    assert "passkeys.assertion_failed" in actions
    assert [e.data.get("method") for e in logged if e.action == "console.login"] == ["password", "passkey"]


async def test_a_disabled_staff_members_passkey_no_longer_signs_in(agent, operator_client, app, portal):
    await staff_login(operator_client, agent)
    key = device()
    await add_key(operator_client, key)
    async with portal.database.session() as db:
        staff = await db.get(Staff, agent.id)
        staff.active = False
        await db.commit()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as fresh:
        assert (await passkey_login(fresh, key)).status_code == 400


async def test_removing_a_passkey_needs_the_password(agent, operator_client, portal):
    await staff_login(operator_client, agent)
    await add_key(operator_client, device())
    async with portal.database.session() as db:
        passkey_id = await db.scalar(select(StaffPasskey.id))
    url = f"/console/passkeys/{passkey_id}/remove"
    token = csrf_of((await operator_client.get(url)).text)
    wrong = await operator_client.post(url, data={"csrf_token": token, "password": "wrong"})
    assert wrong.status_code == 400
    right = await operator_client.post(url, data={"csrf_token": token, "password": PASSWORD})
    assert right.status_code == 303
    async with portal.database.session() as db:
        assert await db.scalar(select(StaffPasskey.id)) is None


async def test_a_required_passkey_is_added_before_the_console(agent, operator_client, portal, monkeypatch):
    monkeypatch.setattr(portal.settings, "staff_passkeys", "require")
    signed = await staff_login(operator_client, agent)
    assert signed.status_code == 303
    tickets = await operator_client.get("/console/tickets")
    assert tickets.status_code == 303
    assert tickets.headers["location"] == "/console/passkeys"
    page = await operator_client.get("/console/passkeys")
    assert "This console requires a passkey" in page.text
    added = await add_key(operator_client, device())
    assert added.json() == {"redirect": "/console"}
    assert (await operator_client.get("/console/tickets")).status_code == 200
    await operator_client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})
    again = httpx.AsyncClient(transport=operator_client._transport, base_url="http://localhost")
    async with again:
        await staff_login(again, agent)
        shown = await again.get("/console/passkeys")
        assert shown.status_code == 303  # has one: straight on
        assert (await again.get("/console/tickets")).status_code == 200


async def require_on(portal, tenant) -> None:
    """``tenant`` requires passkeys of the staff who work on it."""
    async with portal.database.session() as db:
        found = await db.get(Tenant, tenant.id)
        found.settings = {**found.settings, "passkeys": {"require_for_staff": True}}
        await db.commit()


async def test_a_tenant_requires_passkeys_of_the_staff_who_work_on_it(make_staff, make_tenant, operator_client, portal):
    strict = await make_tenant("strict")
    relaxed = await make_tenant("relaxed")
    await require_on(portal, strict)
    on_it = await make_staff("desk@ops.test", tenants=[relaxed, strict])
    elsewhere = await make_staff("other@ops.test", tenants=[relaxed])
    await staff_login(operator_client, on_it)
    gated = await operator_client.get("/console/tickets")
    assert gated.headers["location"] == "/console/passkeys"
    assert "This console requires a passkey" in (await operator_client.get("/console/passkeys")).text
    added = await add_key(operator_client, device())
    assert added.json() == {"redirect": "/console"}
    assert (await operator_client.get("/console/tickets")).status_code == 200
    async with httpx.AsyncClient(transport=operator_client._transport, base_url="http://localhost") as other:
        await staff_login(other, elsewhere)
        assert (await other.get("/console/tickets")).status_code == 200, "not on that tenant: not gated"


async def test_an_operator_works_on_every_tenant_so_a_tenants_requirement_gates_them(
    make_staff, make_tenant, operator_client, portal
):
    await require_on(portal, await make_tenant("strict"))
    operator = await make_staff("root@ops.test", role="operator")
    await staff_login(operator_client, operator)
    assert (await operator_client.get("/console/tickets")).headers["location"] == "/console/passkeys"


async def test_the_tenant_setting_is_validated_on_save(make_tenant, portal):
    from core.tenancy.service import TenantError, update_tenant

    tenant = await make_tenant("strict")
    async with portal.database.session() as db:
        found = await db.get(Tenant, tenant.id)
        with pytest.raises(TenantError) as problem:
            await update_tenant(db, portal.plugins, found, settings={"passkeys": {"require_for_staff": "maybe"}})
    assert problem.value.field == "settings.passkeys.require_for_staff"


async def test_the_tenant_form_sets_the_staff_passkey_requirement(make_staff, make_tenant, operator_client, portal):
    await make_tenant("strict", settings={"passkeys": {"require_for_staff": False}, "helpdesk": {"x": 1}})
    await staff_login(operator_client, await make_staff("root@ops.test", role="operator"))
    page = await operator_client.get("/console/tenants/strict")
    assert 'name="staff_passkeys"' in page.text
    assert "require_for_staff" not in page.text, "edited as a checkbox, not in the JSON"
    data = {
        "csrf_token": csrf_of(page.text),
        "name": "Strict",
        "locales": "en",
        "timezone": "UTC",
        "settings": '{"helpdesk": {"x": 1}}',
        "enabled": "1",
        "staff_passkeys": "1",
    }
    saved = await operator_client.post("/console/tenants/strict", data=data)
    assert saved.status_code == 303, saved.text
    async with portal.database.session() as db:
        settings = await db.scalar(select(Tenant.settings).where(Tenant.slug == "strict"))
    assert settings["passkeys"] == {"require_for_staff": True}
    assert settings["helpdesk"] == {"x": 1}
    shown = await operator_client.get("/console/tenants/strict")
    assert re.search(r'id="t-staff-passkeys"[^>]*checked', shown.text)
    cleared = await operator_client.post("/console/tenants/strict", data={**data, "staff_passkeys": ""})
    assert cleared.status_code == 303
    async with portal.database.session() as db:
        settings = await db.scalar(select(Tenant.settings).where(Tenant.slug == "strict"))
    assert settings["passkeys"] == {"require_for_staff": False}
