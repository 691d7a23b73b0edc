"""OMICRON in "Delete my account": the devices are released (another owner may register them), waiting
devices, interests and the former account removed; another customer and another tenant untouched."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api import utcnow
from plugins.omicron_registration.models import ClaimedDevice, Device, LegacyAccount, UserInterest, WaitingDevice
from tests.core.identity.identity_helpers import sign_in
from tests.core.privacy.deletion_helpers import after_grace, ask_for_deletion

from .conftest import OMICRON
from .test_privacy_export import _customer


async def _rows_of(portal, tenant, user_id: int) -> list[int]:
    async with portal.database.session(tenant.id) as db:
        return [
            await db.scalar(select(func.count()).select_from(model).where(model.user_id == user_id)) or 0
            for model in (ClaimedDevice, WaitingDevice, UserInterest, LegacyAccount)
        ]


async def test_the_devices_are_released_and_the_interests_removed(
    portal, omicron, make_tenant, tenant_client, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    other = await make_tenant("omicron2", name="OMICRON 2", **OMICRON)
    eva = await _customer(portal, omicron, "eva", "AB123Z", "Acme GmbH")
    otto = await _customer(portal, omicron, "otto", "CD456Y", "Otto KG")
    twin = await _customer(portal, other, "eva", "EF789X", "Twin SARL")
    client = tenant_client(omicron)
    await sign_in(client, "eva")

    page = await client.get("/profile/delete")
    await ask_for_deletion(client)
    assert await after_grace(portal, time_machine) == 1

    assert "released" in page.text
    assert await _rows_of(portal, omicron, eva.id) == [0, 0, 0, 0]
    assert await _rows_of(portal, omicron, otto.id) == [1, 1, 1, 1]
    assert await _rows_of(portal, other, twin.id) == [1, 1, 1, 1]
    async with portal.database.session(omicron.id) as db:
        device = await db.scalar(select(Device).where(Device.serial_number == "AB123Z"))
    assert device is not None  # the device stays in the registry, free to be registered again


async def test_the_rules_in_german(portal, omicron, tenant_client):
    await _customer(portal, omicron, "eva", "AB123Z", "Acme GmbH")
    client = tenant_client(omicron)
    await sign_in(client, "eva")

    page = await client.get("/profile/delete", headers={"Accept-Language": "de"})

    assert "Ihre registrierten Geräte werden freigegeben" in page.text
    assert "Mein Konto löschen" in page.text
