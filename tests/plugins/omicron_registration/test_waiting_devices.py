"""A customer approved with a serial number the registry does not know: waiting, then linked by the operator.

The operator approves the registration in the console, then imports the device ("devices sold");
the device becomes the customer's, who is told by mail and sees it in *My devices*. Meanwhile the
customer's pages say what is happening and what comes next.
"""

from __future__ import annotations

from datetime import date

import httpx
import pyotp
import pytest
from sqlalchemy import select

from core.api import User, UserStatus
from core.testing import csrf_of, mail_text
from plugins.omicron_registration.models import ClaimedDevice, Device, SoftwareUpdate, WaitingDevice

from .conftest import first_link, register, sign_in

OPERATOR_PASSWORD = "Operator-Console-2026"


@pytest.fixture
async def operator(app, portal):
    """A signed-in console operator, on the operator host."""
    from core.staff.accounts import create_staff

    async with portal.database.session() as db:
        staff = await create_staff(db, email="op@ops.test", name="Olivia", password=OPERATOR_PASSWORD, role="operator")
        await db.commit()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        page = await client.get("/console/login")
        data = {"csrf_token": csrf_of(page.text), "email": staff.email, "password": OPERATOR_PASSWORD,
                "code": pyotp.TOTP(staff.totp_secret).now()}  # fmt: skip
        assert (await client.post("/console/login", data=data)).status_code == 303
        yield client


async def _import_devices(operator, tenant, csv: str) -> None:
    page = await operator.get("/console/imports")
    token = csrf_of(page.text)
    preview = await operator.post(
        "/console/imports",
        data={"csrf_token": token, "step": "preview", "importer": f"{tenant.id}:devices"},
        files={"file": ("devices.csv", csv.encode(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert (await operator.post("/console/imports", data={"csrf_token": token, "step": "apply"})).status_code == 303


async def _approved_with_unknown_serial(portal, omicron, tenant_client, mailbox, operator):
    client = tenant_client(omicron)
    assert (await register(client, serial_number="ZZ999Z")).status_code == 303
    await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    page = await operator.get("/console/approvals")
    assert "ZZ999Z" in page.text
    assert "Imports, Devices sold" in page.text  # the card says what the operator does next
    approval_id = page.text.split('action="/console/approvals/', 1)[1].split('"', 1)[0]
    decided = await operator.post(
        f"/console/approvals/{approval_id}", data={"csrf_token": csrf_of(page.text), "decision": "approve"}
    )
    assert decided.status_code == 303
    async with portal.database.session(omicron.id) as db:
        user = await db.scalar(select(User).where(User.email_normalized == "eva.muster@acme.example"))
    assert user.status == UserStatus.ACTIVE
    assert (await sign_in(client, "evamuster")).status_code == 303
    return client, user


async def test_the_customer_sees_the_device_waiting_then_in_the_list_once_imported(
    portal, omicron, registry, tenant_client, mailbox, operator
):
    client, user = await _approved_with_unknown_serial(portal, omicron, tenant_client, mailbox, operator)
    dashboard = await client.get("/")
    assert 'data-widget="waiting"' in dashboard.text
    assert "ZZ999Z has been accepted and is being added to OMICRON" in dashboard.text
    devices = await client.get("/omicron/devices")
    assert "No device is registered to your account yet." in devices.text
    assert 'data-state="registry"' in devices.text
    assert "we send you an e-mail. You do not need to do anything." in devices.text

    async with portal.database.session(omicron.id) as db:
        db.add(SoftwareUpdate(family="mpd", product="MPD 800", version="2.1", released_on=date(2026, 1, 5),
                              file_key="-", file_name="MPD_800_2.1.zip"))  # fmt: skip
        await db.commit()
    await _import_devices(
        operator, omicron, "serial_number,product,country,owner_company,sold_on\nZZ999Z,MPD 800,AT,,\n"
    )

    async with portal.database.session(omicron.id) as db:
        assert await db.scalar(select(WaitingDevice.id)) is None
        claim = await db.scalar(select(ClaimedDevice).where(ClaimedDevice.user_id == user.id))
        assert claim is not None
    mail = await mailbox.last("eva.muster@acme.example")
    assert "ZZ999Z" in str(mail["Subject"])
    assert "now in your list of devices" in mail_text(mail)
    devices = await client.get("/omicron/devices")
    assert "MPD 800" in devices.text
    assert 'data-state="registry"' not in devices.text
    dashboard = await client.get("/")
    assert 'data-widget="waiting"' not in dashboard.text
    assert "MPD 800 2.1" in dashboard.text  # its updates are there


async def test_an_approved_device_claim_waits_instead_of_being_refused(
    portal, omicron, registry, tenant_client, mailbox, operator
):
    from core.api import create_user, utcnow

    async with portal.database.session(omicron.id) as db:
        user = await create_user(db, email="max@acme.example", password="Transformer-Test-2026", username="max",
                                 status="active", company="Acme GmbH")  # fmt: skip
        user.confirmed_at = utcnow()
        await db.commit()
    client = tenant_client(omicron)
    await sign_in(client, "max")
    page = await client.get("/omicron/devices")
    await client.post("/omicron/devices", data={"serial_number": "YX321W", "csrf_token": csrf_of(page.text)})
    checking = await client.get("/omicron/devices")
    assert 'data-state="checking"' in checking.text
    queue = await operator.get("/console/approvals")
    approval_id = queue.text.split('action="/console/approvals/', 1)[1].split('"', 1)[0]
    await operator.post(
        f"/console/approvals/{approval_id}", data={"csrf_token": csrf_of(queue.text), "decision": "approve"}
    )
    mail = await mailbox.last("max@acme.example")
    assert "was accepted" in str(mail["Subject"])
    assert "could not verify" not in mail_text(mail)
    waiting = await client.get("/omicron/devices")
    assert 'data-state="registry"' in waiting.text
    assert 'data-state="checking"' not in waiting.text
    # a connected back office learns about the device: the hourly look-up links it
    from plugins.omicron_registration.waiting import link_on_every_tenant

    async with portal.database.session(omicron.id) as db:
        db.add(Device(serial_number="YX321W", product="CMC 356", family="cmc", country="DE"))
        await db.commit()
    assert await link_on_every_tenant(portal) == {"omicron": 1}
    assert "CMC 356" in (await client.get("/omicron/devices")).text
    assert "now in your list of devices" in mail_text(await mailbox.last("max@acme.example"))
    assert await link_on_every_tenant(portal) == {}  # nothing left to do


async def test_an_import_on_another_tenant_links_nothing_here(
    portal, omicron, registry, make_tenant, tenant_client, mailbox, operator
):
    other = await make_tenant("omiother", plugins=["omicron_registration"])
    await _approved_with_unknown_serial(portal, omicron, tenant_client, mailbox, operator)
    await _import_devices(operator, other, "serial_number,product,country,owner_company,sold_on\nZZ999Z,MPD 800,AT,,\n")
    async with portal.database.session(omicron.id) as db:
        assert await db.scalar(select(WaitingDevice.serial_number)) == "ZZ999Z"
        assert await db.scalar(select(ClaimedDevice.id)) is None
