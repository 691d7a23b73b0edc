"""The user's devices through the apps' API, signed in with an OMICRON username."""

from __future__ import annotations

from core.api import UserStatus, create_user
from plugins.omicron_registration.models import ClaimedDevice, Device, WaitingDevice

from .conftest import PASSWORD


async def test_devices_of_the_signed_in_user_only(portal, omicron, tenant_client):
    async with portal.database.session(omicron.id) as db:
        users = []
        for name in ("eva", "otto"):
            user = await create_user(
                db, email=f"{name}@acme.example", username=name, password=PASSWORD, status=UserStatus.ACTIVE
            )
            device = Device(serial_number=f"{name[:2].upper()}123Z", product="CPC 100", family="cpc", country="AT")
            db.add(device)
            await db.flush()
            db.add(ClaimedDevice(device_id=device.id, user_id=user.id, company="Acme"))
            users.append(user)
        db.add(WaitingDevice(user_id=users[0].id, serial_number="WA999Z", company="Acme"))
        await db.commit()
    client = tenant_client(omicron)
    signed_in = await client.post("/api/v1/auth/sign-in", json={"login": "EVA", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["tokens"]["access_token"]
    answer = await client.get("/api/v1/omicron/devices", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.json()
    assert [d["serial_number"] for d in body["items"]] == ["EV123Z"]
    assert body["items"][0]["family_label"] == "CPC"
    assert [(p["serial_number"], p["state"]) for p in body["pending"]] == [("WA999Z", "registry")]
    assert (await client.get("/api/v1/omicron/devices")).status_code == 401
    schema = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/omicron/devices" in schema["paths"]
