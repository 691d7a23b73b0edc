"""The customer's invoices through the apps' API: the list, one invoice, nobody else's."""

from __future__ import annotations

from core.api import Role, UserStatus, create_user, get_or_create_account, grant_membership
from plugins.luminus_energy.registration import PERMISSIONS

PASSWORD = "Luminus-Test-2026!"


async def app_user(world, customer, email, permissions=PERMISSIONS) -> dict[str, str]:
    """A holder of ``customer`` (or of no customer) signed in through the API: the bearer header."""
    async with world.db() as db:
        user = await create_user(db, email=email, password=PASSWORD, status=UserStatus.ACTIVE)
        if customer is not None:
            account = await get_or_create_account(db, customer.number, name=customer.name)
            await grant_membership(db, user, account, Role.HOLDER, permissions)
        await db.commit()
    response = await world.tenant_client("luminus").post(
        "/api/v1/auth/sign-in", json={"login": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": "Bearer " + response.json()["tokens"]["access_token"]}


async def test_invoices_list_and_one_and_not_another_customers(world):
    customer, _ = await world.customer(unpaid_last=True)
    other, _ = await world.customer()
    client = world.tenant_client("luminus")
    headers = await app_user(world, customer, "pme@example.be")
    listed = await client.get("/api/v1/luminus/invoices", headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert items
    assert {item["status"] for item in items} >= {"paid"}
    first = items[0]
    one = await client.get(f"/api/v1/luminus/invoices/{first['id']}", headers=headers)
    assert one.status_code == 200
    assert one.json() == first
    theirs = (await client.get("/api/v1/luminus/invoices", headers=await app_user(world, other, "b@example.be"))).json()
    stranger = await client.get(f"/api/v1/luminus/invoices/{theirs['items'][0]['id']}", headers=headers)
    assert stranger.status_code == 404
    assert stranger.json()["error"] == "not_found"
    assert (await client.get("/api/v1/luminus/invoices/abc", headers=headers)).status_code == 404


async def test_no_customer_or_no_billing_right_is_a_403(world):
    customer, _ = await world.customer()
    client = world.tenant_client("luminus")
    nobody = await client.get("/api/v1/luminus/invoices", headers=await app_user(world, None, "n@example.be"))
    assert nobody.status_code == 403
    assert nobody.json()["error"] == "no_customer"
    limited = await app_user(world, customer, "l@example.be", permissions=[])
    assert (await client.get("/api/v1/luminus/invoices", headers=limited)).json()["error"] == "forbidden"
