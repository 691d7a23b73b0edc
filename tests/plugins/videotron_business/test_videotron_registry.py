"""The back-office registry: backend look-ups, normalisation, demo data, CSV imports, hooks."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.api import Membership, User
from plugins.videotron_business.backend import (
    LocalBackend,
    VideotronBackend,
    format_postal_code,
    is_postal_code,
    normalize_postal_code,
)
from plugins.videotron_business.demo import DEMO_PASSWORD, create_demo_data
from plugins.videotron_business.importers import apply_accounts, apply_users, validate_accounts, validate_users
from plugins.videotron_business.models import RegistryAccount, RegistryServiceLine

PLUGIN = "videotron_business"


def flatten_services(answers: list[dict[type, object]]) -> dict[type, object]:
    return {protocol: impl for answer in answers for protocol, impl in answer.items()}


@pytest.fixture
async def tenant(make_tenant):
    return await make_tenant("videotron", plugins=[PLUGIN], locales=["fr_CA", "en_CA"], default_locale="fr_CA")


async def test_hooks_answer_for_the_tenant_only(portal, tenant, make_tenant):
    hooks = portal.hooks(tenant)
    assert hooks.portique_login_identifiers(tenant=tenant) == ("username",)
    assert hooks.portique_username_policy(tenant=tenant).enabled
    assert VideotronBackend in flatten_services(hooks.portique_services(tenant=tenant))
    other = await make_tenant("other")
    assert portal.hooks(other).portique_services(tenant=other) == []


@pytest.mark.parametrize("typed", ["H2J 2L1", "h2j2l1", " h2j 2l1 ", "H2J-2L1"])
async def test_postal_code_matches_in_any_case_with_or_without_space(portal, tenant, typed):
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
        found = await LocalBackend().match_account(db, "800 100 001", typed)
    assert found is not None
    assert found.holder_name == "Marie Tremblay"


async def test_wrong_postal_code_or_number_matches_nothing(portal, tenant):
    backend = LocalBackend()
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
        assert await backend.match_account(db, "800100001", "G1K 3H1") is None
        assert await backend.match_account(db, "800100009", "H2J 2L1") is None
        assert await backend.match_account(db, "", "") is None


def test_postal_code_helpers():
    assert normalize_postal_code("h2x 1y4") == "H2X1Y4"
    assert format_postal_code("h2x1y4") == "H2X 1Y4"
    assert is_postal_code("H2X 1Y4")
    assert not is_postal_code("12345")
    assert not is_postal_code("D2X 1Y4")  # D is never used


async def test_registry_of_another_tenant_is_invisible(portal, tenant, make_tenant):
    other = await make_tenant("videotron2", plugins=[PLUGIN])
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
    async with portal.database.session(other.id) as db:
        assert await LocalBackend().find_account(db, "800100001") is None
        assert await LocalBackend().account_overview(db, "800100001") is None
        assert await LocalBackend().service_lines(db, "800100001") == []
        assert await LocalBackend().authorized_users(db, "800100001") == []


async def test_account_overview_is_the_account_with_its_services(portal, tenant):
    backend = LocalBackend()
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
        for number in ("800100001", "800 100 002", "800-100-003"):
            record, lines = await backend.account_overview(db, number)
            assert record == await backend.find_account(db, number)
            assert lines == await backend.service_lines(db, number)
        assert [line.kind for line in (await backend.account_overview(db, "800100002"))[1]] == ["mobility", "mobility"]
        account = await db.scalar(select(RegistryAccount).where(RegistryAccount.number == "800100003"))
        for line in await db.scalars(select(RegistryServiceLine).where(RegistryServiceLine.account_id == account.id)):
            await db.delete(line)
        await db.flush()
        record, lines = await backend.account_overview(db, "800100003")
        assert (record.number, lines) == ("800100003", [])
        assert await backend.account_overview(db, "800100009") is None
        assert await backend.account_overview(db, "") is None


async def test_demo_data_is_idempotent_and_registers_one_holder(portal, tenant):
    for _ in range(2):
        async with portal.database.session(tenant.id) as db:
            accounts = await create_demo_data(db)
            await db.commit()
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(func.count()).select_from(RegistryAccount)) == 3
        user = await db.scalar(select(User).where(User.username == "marie.tremblay"))
        assert user is not None
        assert user.is_active
        membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == "holder"
        users = await LocalBackend().authorized_users(db, "800100001")
        assert {(u.full_name, u.kind, u.eligible) for u in users} == {
            ("Luc Gagnon", "secondary", True),
            ("Sophie Roy", "technical", False),
        }
        lines = await LocalBackend().service_lines(db, "800100002")
        assert [line.kind for line in lines] == ["mobility", "mobility"]
    assert any(a.login == "marie.tremblay" and a.password == DEMO_PASSWORD for a in accounts)


ROW = {
    "account_number": "800 200 001",
    "company": "Fleuriste Laval",
    "holder_first_name": "Nadia",
    "holder_last_name": "Bouchard",
    "email_on_file": "Nadia@Fleuriste.example",
    "service_address": "12, boulevard Cartier, Laval (Québec)",
    "postal_code": "h7n 5k2",
    "mobility": "non",
    "locale": "fr_CA",
    "service_lines": "internet::Internet Affaires|telephony:450 555-0199:Téléphonie",
}


async def test_accounts_import_validates_then_applies(portal, tenant):
    bad = {**ROW, "account_number": "12", "email_on_file": "nope", "postal_code": "99999", "service_lines": "fax:1"}
    async with portal.database.session(tenant.id) as db:
        errors = await validate_accounts(db, tenant, [ROW, bad, ROW])
        assert {(e.line, e.column) for e in errors} == {
            (3, "account_number"),
            (3, "email_on_file"),
            (3, "postal_code"),
            (3, "service_lines"),
            (4, "account_number"),  # duplicate of line 2
        }
        assert await validate_accounts(db, tenant, [ROW]) == []
        assert await apply_accounts(db, tenant, [ROW]) == 1
        await db.commit()
        found = await LocalBackend().match_account(db, "800200001", "H7N5K2")
        assert found is not None
        assert found.email_on_file == "nadia@fleuriste.example"
        assert await db.scalar(select(func.count()).select_from(RegistryServiceLine)) == 2
        # a second import replaces the lines instead of adding to them
        await apply_accounts(db, tenant, [{**ROW, "service_lines": "tv::Télé"}])
        await db.commit()
        assert [line.kind for line in await LocalBackend().service_lines(db, "800200001")] == ["tv"]
        # an English product name may follow the French one
        await apply_accounts(db, tenant, [{**ROW, "service_lines": "tv::Télé Affaires:Business TV|internet::Internet"}])
        await db.commit()
        tv, internet = await LocalBackend().service_lines(db, "800200001")
        assert (tv.description_for("fr_CA"), tv.description_for("en_CA")) == ("Télé Affaires", "Business TV")
        assert (internet.description_for("fr_CA"), internet.description_for("en_CA")) == ("Internet", "Internet")


async def test_authorized_users_import(portal, tenant):
    async with portal.database.session(tenant.id) as db:
        await apply_accounts(db, tenant, [ROW])
        rows = [
            {
                "account_number": "800200001",
                "first_name": "Ali",
                "last_name": "B",
                "email": "ali@x.example",
                "type": "technical",
            }
        ]
        assert await validate_users(db, tenant, rows) == []
        bad = [{**rows[0], "account_number": "999999", "type": "boss", "email": "x"}]
        assert {e.column for e in await validate_users(db, tenant, bad)} == {"account_number", "type", "email"}
        await apply_users(db, tenant, rows)
        await db.commit()
        users = await LocalBackend().authorized_users(db, "800200001")
    assert [(u.email, u.kind) for u in users] == [("ali@x.example", "technical")]
