"""The back-office registry: serial numbers, claims, CSV imports, demo data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.omicron_registration.backend import (
    LocalBackend,
    SerialStatus,
    company_key,
    normalize_serial,
    serial_format_ok,
)
from plugins.omicron_registration.demo import LIBRARY_SIZE, create_demo_data
from plugins.omicron_registration.importers import apply_devices, generate_documents, validate_devices, validate_legacy
from plugins.omicron_registration.models import Device, Document, LegacyAccount, SoftwareUpdate


@pytest.mark.parametrize(
    ("raw", "expected"), [("ab123z", "AB123Z"), (" AB 123-z ", "AB123Z"), ("Ab123Z\t", "AB123Z"), ("", "")]
)
def test_serial_numbers_are_normalised(raw, expected):
    assert normalize_serial(raw) == expected


@pytest.mark.parametrize("serial", ["AB123Z", "ZZ000A"])
def test_serial_format_accepts_rating_plate_numbers(serial):
    assert serial_format_ok(serial)


@pytest.mark.parametrize("serial", ["AB1234", "A1123Z", "AB12Z", "AB123ZZ", "123456", "ÄB123Z", "AB123Z\n"])
def test_serial_format_refuses_everything_else(serial):
    assert not serial_format_ok(serial)


def test_company_key_ignores_case_accents_and_punctuation():
    assert company_key("Réseau Exemple S.A.") == company_key("reseau exemple sa")
    assert company_key("Acme GmbH") != company_key("Acme AG")


async def test_known_unclaimed_serial_is_known(registry):
    check = await LocalBackend().check_serial(registry, "CD456Y", "Any Company")
    assert check.status == SerialStatus.KNOWN
    assert check.automatic
    assert (check.product, check.family) == ("CMC 356", "cmc")


async def test_unknown_serial(registry):
    check = await LocalBackend().check_serial(registry, "ZZ999Z", "Acme GmbH")
    assert check.status == SerialStatus.UNKNOWN
    assert not check.automatic


async def test_serial_claimed_by_another_company_is_not_automatic(registry):
    backend = LocalBackend()
    assert await backend.claim(registry, "CD456Y", user_id=await _user(registry, "a@x.test"), company="First Ltd")
    await registry.commit()
    same_company = await backend.check_serial(registry, "CD456Y", "FIRST LTD.")
    assert same_company.status == SerialStatus.KNOWN
    other = await backend.check_serial(registry, "CD456Y", "Second Ltd")
    assert other.status == SerialStatus.CLAIMED_ELSEWHERE
    assert other.other_companies == ("First Ltd",)


async def test_registry_owner_of_another_company_is_not_automatic(registry):
    check = await LocalBackend().check_serial(registry, "AB123Z", "Other GmbH")
    assert check.status == SerialStatus.OWNER_MISMATCH
    assert (await LocalBackend().check_serial(registry, "AB123Z", "ACME gmbh")).status == SerialStatus.KNOWN


async def test_claiming_an_unknown_serial_is_refused(registry):
    assert not await LocalBackend().claim(registry, "ZZ999Z", user_id=await _user(registry, "b@x.test"), company="X")


async def test_legacy_account_lookup_is_case_insensitive(registry):
    record = await LocalBackend().find_legacy_account(registry, "  OLD.user@example.COM ")
    assert record is not None
    assert record.username == "olduser"
    assert not record.migrated
    assert await LocalBackend().find_legacy_account(registry, "nobody@example.com") is None


async def test_registry_is_tenant_scoped(portal, registry, make_tenant):
    other = await make_tenant("other", plugins=["omicron_registration"])
    async with portal.database.session(other.id) as db:
        assert (await LocalBackend().check_serial(db, "CD456Y", "X")).status == SerialStatus.UNKNOWN
        assert await LocalBackend().find_legacy_account(db, "old.user@example.com") is None


async def test_devices_csv_validation_names_each_problem(omicron, odb):
    rows = [
        {"serial_number": "ab123z", "product": "CPC 100", "country": "AT", "owner_company": "", "sold_on": ""},
        {"serial_number": "AB123Z", "product": "CPC 100", "country": "", "owner_company": "", "sold_on": ""},
        {"serial_number": "1234", "product": "Toaster", "country": "XX", "owner_company": "", "sold_on": "1.2.2020"},
    ]
    errors = await validate_devices(odb, omicron, rows)
    assert {(e.line, e.column) for e in errors} == {
        (3, "serial_number"),
        (4, "serial_number"),
        (4, "product"),
        (4, "country"),
        (4, "sold_on"),
    }


async def test_devices_csv_import_normalises_and_updates(omicron, odb):
    rows = [
        {
            "serial_number": "gh 321-k",
            "product": "CIBANO 500",
            "country": "ch",
            "owner_company": "X AG",
            "sold_on": "2024-05-01",
        }
    ]
    assert await validate_devices(odb, omicron, rows) == []
    assert await apply_devices(odb, omicron, rows) == 1
    rows[0]["owner_company"] = "Y AG"
    await apply_devices(odb, omicron, rows)
    await odb.commit()
    devices = (await odb.scalars(select(Device))).all()
    assert [(d.serial_number, d.family, d.country, d.owner_company) for d in devices] == [
        ("GH321K", "cibano", "CH", "Y AG")
    ]


async def test_legacy_csv_refuses_duplicates_and_bad_addresses(omicron, odb):
    rows = [
        {"email": "a@b.test", "username": "alpha", "first_name": "", "last_name": "", "company": "", "country": ""},
        {"email": "A@B.test", "username": "ALPHA", "first_name": "", "last_name": "", "company": "", "country": ""},
        {"email": "nope", "username": "", "first_name": "", "last_name": "", "company": "", "country": "ZZ"},
    ]
    errors = {(e.line, e.column) for e in await validate_legacy(odb, omicron, rows)}
    assert errors == {(3, "email"), (3, "username"), (4, "email"), (4, "username"), (4, "country")}


def test_generated_documents_cover_every_filter():
    rows = generate_documents(400, tenant_id=1)
    assert len({r["title"] for r in rows}) == 400
    for column in ("family", "topic", "language", "doc_type"):
        assert len({r[column] for r in rows}) > 2


async def test_demo_data_is_idempotent_and_fills_the_library(omicron, odb):
    first = await create_demo_data(omicron, odb)
    await odb.commit()
    await create_demo_data(omicron, odb)
    await odb.commit()
    assert first
    assert await odb.scalar(select(func.count()).select_from(Document)) == LIBRARY_SIZE >= 2000
    assert await odb.scalar(select(func.count()).select_from(LegacyAccount)) == 1
    assert await odb.scalar(select(func.count()).select_from(SoftwareUpdate)) == 24
    assert await odb.scalar(select(func.count()).select_from(Device)) > 100


async def _user(db, email: str) -> int:
    from core.api import create_user

    user = await create_user(db, email=email, status="active")
    return user.id
