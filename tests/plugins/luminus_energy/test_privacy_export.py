"""Luminus in the customer's data export: their customers, invoices with PDFs, readings; nobody else's."""

from __future__ import annotations

from datetime import timedelta

from core.api import Role, UserStatus, create_user, get_or_create_account, grant_membership
from core.identity.models import User
from tests.core.privacy.export_helpers import all_text, ask_for_export, entry_json, export_link, unzip
from tests.plugins.luminus_energy.conftest import World


async def _email(world: World) -> str:
    async with world.db() as db:
        user = await db.get(User, world.last_user_id)
    assert user is not None
    return user.email


async def test_the_export_holds_my_customer_and_its_invoice_pdfs_and_nothing_else(
    world, portal, make_tenant, tenant_client, mailbox
):
    mine, _ = await world.customer(number="2000900001")
    await world.customer(number="2000900002")  # another customer of the same tenant
    other_tenant = await make_tenant("luminus2", plugins=["luminus_energy"], locales=["fr_BE"], default_locale="fr_BE")
    elsewhere = World(portal, other_tenant, tenant_client)
    twin, _ = await elsewhere.customer(number="2000900001")  # the same number on another tenant
    async with elsewhere.db() as db:
        user = await create_user(db, email="twin@example.be", password=None, status=UserStatus.ACTIVE)
        account = await get_or_create_account(db, twin.number, name="Twin company")
        await grant_membership(db, user, account, Role.HOLDER, ["billing"])
        await db.commit()
    client = await world.client(mine)
    email = await _email(world)

    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, email)))

    [customer] = entry_json(entries, "luminus_energy/customers.json")
    assert customer["number"] == "2000900001"
    assert customer["name"] == "Client 2000900001"
    assert customer["supply_points"][0]["ean"].startswith("541448800")
    assert customer["invoices"]
    assert customer["readings"]
    pdfs = [path for path in entries if path.startswith("luminus_energy/customers/")]
    assert len(pdfs) == len(customer["invoices"])
    assert all(entries[path].startswith(b"%PDF") for path in pdfs)
    number = customer["invoices"][0]["number"]
    assert f"luminus_energy/customers/luminus-{number}.pdf" in entries
    text = all_text(entries)
    for foreign in ("2000900002", "c2000900002@example.be", "Twin company", "twin@example.be"):
        assert foreign not in text
    assert "541448800" + f"{2:08d}" not in text  # the other customer's EAN


async def test_a_member_without_the_invoices_gets_no_luminus_part(world, portal, mailbox):
    customer, _ = await world.customer()
    client = await world.client(None)
    async with world.db() as db:
        user = await db.get(User, world.last_user_id)
        account = await get_or_create_account(db, customer.number, name=customer.name)
        await grant_membership(db, user, account, Role.MEMBER, ["readings"])
        await db.commit()
    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, await _email(world))))
    assert not [path for path in entries if path.startswith("luminus_energy/")]


async def test_the_luminus_link_is_single_use_expires_and_is_mine_only(world, portal, frozen, mailbox):
    mine, _ = await world.customer()
    client = await world.client(mine)
    email = await _email(world)
    stranger = await world.client(mine)  # another holder of the same customer

    await ask_for_export(client)
    link = await export_link(portal, mailbox, email)
    assert (await stranger.get(link)).status_code == 404
    assert unzip(await client.get(link))
    assert (await client.get(link)).status_code == 410

    frozen.shift(timedelta(days=1, minutes=1))  # the day's limit is over
    await ask_for_export(client)
    link = await export_link(portal, mailbox, email)
    frozen.shift(timedelta(days=7, minutes=1))
    expired = await client.get(link)
    assert expired.status_code == 410
    assert "expiré" in expired.text


async def test_asking_twice_while_it_is_prepared_is_refused_in_french(world):
    mine, _ = await world.customer()
    client = await world.client(mine)
    await ask_for_export(client)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "encore en préparation" in page.text
