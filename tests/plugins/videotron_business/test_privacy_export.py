"""Vidéotron Business in the customer's data export: the role on each account, the secondary users a
holder named; nothing of another account or tenant."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api import Role, UserStatus, create_user, get_or_create_account, grant_membership, utcnow
from plugins.videotron_business.demo import DEMO_PASSWORD, create_demo_data
from plugins.videotron_business.models import RegistryAccount, RegistryAuthorizedUser
from tests.core.privacy.export_helpers import all_text, ask_for_export, entry_json, export_link, unzip

from .conftest import sign_in

MARIE = "marie.tremblay@boulangerie-stdenis.example"
LUC = "luc.gagnon@boulangerie-stdenis.example"


async def _user(portal, tenant, username: str, email: str, number: str, role: str) -> int:
    async with portal.database.session(tenant.id) as db:
        user = await create_user(db, email=email, username=username, password=DEMO_PASSWORD, status=UserStatus.ACTIVE)
        account = await get_or_create_account(db, number, name=f"Account {number}")
        await grant_membership(db, user, account, role)
        await db.commit()
        return user.id


async def _luc_is_secondary(portal, tenant) -> None:
    """Luc, named on Marie's account, has his portal access as a secondary user."""
    user_id = await _user(portal, tenant, "luc.gagnon", LUC, "800100001", Role.MEMBER)
    async with portal.database.session(tenant.id) as db:
        person = await db.scalar(select(RegistryAuthorizedUser).where(RegistryAuthorizedUser.email == LUC))
        assert person is not None
        person.user_id = user_id
        await db.commit()


async def test_the_holder_gets_the_account_and_its_secondary_users_and_nothing_else(
    portal, vtenant, make_tenant, tenant_client, mailbox
):
    other = await make_tenant(
        "videotron2", plugins=["videotron_business"], locales=["fr_CA", "en_CA"], default_locale="fr_CA"
    )
    async with portal.database.session(other.id) as db:
        await create_demo_data(db)
        account = await db.scalar(select(RegistryAccount).where(RegistryAccount.number == "800100001"))
        assert account is not None
        db.add(
            RegistryAuthorizedUser(account_id=account.id, first_name="Twin", last_name="Person", email="t@x.example")
        )
        await db.commit()
    await _user(portal, vtenant, "julie.holder", "julie@garage-levesque.example", "800100002", Role.HOLDER)
    await _luc_is_secondary(portal, vtenant)
    client = tenant_client(vtenant)
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)

    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, MARIE)))

    [account] = entry_json(entries, "videotron_business/accounts.json")
    assert account["number"] == "800100001"
    assert account["role"] == "holder"
    assert account["registry"]["company"] == "Boulangerie Saint-Denis inc."
    people = {p["email"]: p for p in account["secondary_users"]}
    assert set(people) == {LUC, "sophie.roy@techniciens.example"}
    assert people[LUC]["has_portal_access"]
    text = all_text(entries)
    for foreign in ("800100002", "julie@garage-levesque.example", "Lévesque", "Twin", "t@x.example"):
        assert foreign not in text


async def test_a_secondary_user_gets_their_role_and_how_the_account_names_them_only(
    portal, vtenant, tenant_client, mailbox
):
    await _luc_is_secondary(portal, vtenant)
    client = tenant_client(vtenant)
    await sign_in(client, "luc.gagnon", DEMO_PASSWORD)
    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, LUC)))
    [account] = entry_json(entries, "videotron_business/accounts.json")
    assert account["role"] == "member"
    assert [p["email"] for p in account["named_as"]] == [LUC]
    assert "registry" not in account
    assert "sophie.roy" not in all_text(entries)


async def test_the_videotron_link_is_single_use_mine_only_and_expires(
    portal, vtenant, tenant_client, mailbox, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    await _luc_is_secondary(portal, vtenant)
    client = tenant_client(vtenant)
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)
    await ask_for_export(client)
    link = await export_link(portal, mailbox, MARIE)
    luc = tenant_client(vtenant)
    await sign_in(luc, "luc.gagnon", DEMO_PASSWORD)
    assert (await luc.get(link)).status_code == 404
    assert unzip(await client.get(link))
    assert (await client.get(link)).status_code == 410

    time_machine.shift(timedelta(days=1, minutes=1))
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)
    await ask_for_export(client)
    link = await export_link(portal, mailbox, MARIE)
    time_machine.shift(timedelta(days=7, minutes=1))
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)
    assert (await client.get(link)).status_code == 410


async def test_one_videotron_export_at_a_time(vtenant, tenant_client):
    client = tenant_client(vtenant)
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)
    await ask_for_export(client)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "encore en préparation" in page.text
