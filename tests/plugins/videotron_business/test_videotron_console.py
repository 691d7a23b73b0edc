"""Console: staff of the tenant send the activation e-mail to the address on file."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.staff.accounts import create_staff
from core.testing import csrf_of, mail_text
from tests.plugins.videotron_business.conftest import post_form

PASSWORD = "staff password 123"
PAGE = "/console/videotron/activation"


async def staff_client(portal, tenant_client, tenant, tenants, email="agent@ops.example"):
    async with portal.database.session() as db:
        await create_staff(db, email=email, name="Agent", password=PASSWORD, role="agent", tenants=tenants)
        await db.commit()
    client = tenant_client(tenant)
    client.headers["Accept-Language"] = "en-CA"
    page = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"csrf_token": csrf_of(page.text), "email": email, "password": PASSWORD, "code": ""},
    )
    assert response.status_code == 303
    return client


async def test_staff_send_the_activation_email_to_the_address_on_file(portal, vtenant, tenant_client, mailbox):
    client = await staff_client(portal, tenant_client, vtenant, [vtenant])
    response = await post_form(client, PAGE, {"account_number": "800 100 002"})
    assert response.status_code == 303
    page = await client.get(PAGE)
    assert "j***@garage-levesque.example" in page.text
    message = await mailbox.last()
    assert message["To"] == "jean.levesque@garage-levesque.example"
    assert "/videotron/activate/" in mail_text(message)
    async with portal.database.session() as db:
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "videotron_business.activation_sent"))
    assert event.actor_type == "staff"
    assert event.actor_id is not None


async def test_staff_see_why_an_account_gets_nothing(portal, vtenant, tenant_client, mailbox):
    client = await staff_client(portal, tenant_client, vtenant, [vtenant])
    unknown = await post_form(client, PAGE, {"account_number": "999999999"})
    assert "No account has this number" in unknown.text
    registered = await post_form(client, PAGE, {"account_number": "800100001"})
    assert "already has a registered holder" in registered.text
    assert await mailbox.messages() == []


async def test_customers_and_other_tenants_staff_cannot_use_it(portal, vtenant, make_tenant, tenant_client, vclient):
    assert (await vclient.get(PAGE)).status_code == 303  # to the console sign-in
    other = await make_tenant("other")
    client = await staff_client(portal, tenant_client, vtenant, [other], email="elsewhere@ops.example")
    assert (await client.get(PAGE)).status_code == 404
