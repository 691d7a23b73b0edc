"""OMICRON in the customer's data export: devices, waiting serial numbers, interests, former account."""

from __future__ import annotations

from datetime import timedelta

from core.api import UserStatus, create_user, utcnow
from core.identity.models import User
from plugins.omicron_registration.models import ClaimedDevice, Device, LegacyAccount, UserInterest, WaitingDevice
from tests.core.identity.identity_helpers import PASSWORD, sign_in
from tests.core.privacy.export_helpers import all_text, ask_for_export, entry_json, export_link, unzip

from .conftest import OMICRON


async def _customer(portal, tenant, username: str, serial: str, company: str) -> User:
    """A user with a registered device, a waiting one, an interest and a migrated former account."""
    async with portal.database.session(tenant.id) as db:
        user = await create_user(
            db,
            email=f"{username}@example.com",
            username=username,
            password=PASSWORD,
            status=UserStatus.ACTIVE,
            company=company,
        )
        device = Device(serial_number=serial, product=f"CPC {serial}", family="cpc", country="AT")
        db.add(device)
        await db.flush()
        db.add(ClaimedDevice(device_id=device.id, user_id=user.id, company=company))
        db.add(WaitingDevice(user_id=user.id, serial_number=f"W{serial[1:]}", company=company))
        db.add(UserInterest(user_id=user.id, kind="family", code="cmc"))
        db.add(
            LegacyAccount(
                email=f"old.{username}@example.com",
                email_normalized=f"old.{username}@example.com",
                username=f"old{username}",
                company=company,
                user_id=user.id,
            )
        )
        await db.commit()
        await db.refresh(user)
    return user


async def test_the_export_holds_my_devices_and_nothing_of_another_customer(
    portal, omicron, make_tenant, tenant_client, mailbox
):
    other = await make_tenant("omicron2", name="OMICRON 2", **OMICRON)
    eva = await _customer(portal, omicron, "eva", "AB123Z", "Acme GmbH")
    await _customer(portal, omicron, "otto", "CD456Y", "Otto KG")
    await _customer(portal, other, "eva", "EF789X", "Twin SARL")  # the same user name on another tenant
    client = tenant_client(omicron)
    await sign_in(client, "eva")

    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, eva.email)))

    devices = entry_json(entries, "omicron_registration/devices.json")
    assert [d["serial_number"] for d in devices["registered"]] == ["AB123Z"]
    assert [d["serial_number"] for d in devices["waiting"]] == ["WB123Z"]
    profile = entry_json(entries, "omicron_registration/profile.json")
    assert profile["interests"]["families"] == ["cmc"]
    assert profile["former_account"]["username"] == "oldeva"
    text = all_text(entries)
    for foreign in ("CD456Y", "Otto", "otto", "EF789X", "Twin"):
        assert foreign not in text


async def test_the_omicron_link_is_single_use_mine_only_and_expires(
    portal, omicron, tenant_client, mailbox, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    eva = await _customer(portal, omicron, "eva", "AB123Z", "Acme GmbH")
    await _customer(portal, omicron, "otto", "CD456Y", "Otto KG")
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, eva.email)
    otto = tenant_client(omicron)
    await sign_in(otto, "otto")
    assert (await otto.get(link)).status_code == 404
    assert unzip(await client.get(link))
    assert (await client.get(link)).status_code == 410

    time_machine.shift(timedelta(days=1, minutes=1))
    await sign_in(client, "eva")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, eva.email)
    time_machine.shift(timedelta(days=7, minutes=1))
    await sign_in(client, "eva")
    assert (await client.get(link)).status_code == 410


async def test_one_omicron_export_at_a_time_in_german(portal, omicron, tenant_client):
    async with portal.database.session(omicron.id) as db:
        await create_user(db, email="eva@example.com", username="eva", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    client = tenant_client(omicron)
    client.headers["Accept-Language"] = "de"
    await sign_in(client, "eva")
    profile = await client.get("/profile")
    assert "Meine Daten exportieren" in profile.text
    await ask_for_export(client)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "noch vorbereitet" in page.text
