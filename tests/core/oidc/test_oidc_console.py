"""Operators register a tenant's OIDC clients in its console: the secret shown once, audited, CSRF-checked."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.oidc.models import OidcClient
from tests.core.console.conftest import make_staff, staff_login  # noqa: F401 - shared fixture
from tests.core.identity.identity_helpers import csrf_of

PAGE = "/console/oidc/clients"


async def test_operator_registers_a_confidential_client(tenants, make_staff, browser, portal):  # noqa: F811
    operator = await make_staff("op@ops.test", role="operator")
    console = browser("alpha.test")
    await staff_login(console, operator)
    page = await console.get(PAGE)
    assert page.status_code == 200
    assert "No client is registered yet." in page.text

    refused = await console.post(PAGE, data={"name": "Shop", "redirect_uris": "https://shop.example/cb"})
    assert refused.status_code == 403  # no CSRF token

    bad = await console.post(
        PAGE, data={"csrf_token": csrf_of(page.text), "name": "Shop", "redirect_uris": "http://shop.example/cb"}
    )
    assert bad.status_code == 400
    assert "Use https" in bad.text

    done = await console.post(
        PAGE,
        data={
            "csrf_token": csrf_of(page.text),
            "name": "Shop",
            "redirect_uris": "https://shop.example/cb\nhttps://shop.example/cb2",
            "kind": "confidential",
            "first_party": "1",
        },
    )
    assert done.status_code == 200
    assert "Client secret (shown only now" in done.text
    async with portal.database.session(tenants["alpha"].id) as db:
        client = await db.scalar(select(OidcClient))
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "oidc.client_registered"))
    assert client.first_party
    assert not client.is_public
    assert client.redirect_uris == ["https://shop.example/cb", "https://shop.example/cb2"]
    assert client.client_id in done.text
    assert client.secret_digest not in done.text
    assert event.subject_id == client.client_id
    assert event.actor_id == operator.id

    toggled = await console.post(f"{PAGE}/{client.id}/toggle", data={"csrf_token": csrf_of(page.text)})
    assert toggled.status_code in (302, 303)
    async with portal.database.session(tenants["alpha"].id) as db:
        assert not (await db.get(OidcClient, client.id)).enabled


async def test_agents_and_other_tenants_do_not_see_the_page(tenants, make_staff, browser):  # noqa: F811
    agent = await make_staff("agent@ops.test", role="agent", tenants=[tenants["alpha"]])
    console = browser("alpha.test")
    await staff_login(console, agent)
    assert (await console.get(PAGE)).status_code == 404
