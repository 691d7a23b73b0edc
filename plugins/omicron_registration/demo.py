"""Demo data of the OMICRON Customer Area (idempotent): registry, library, updates, events, a customer."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    DemoAccount,
    Tenant,
    UserStatus,
    create_user,
    find_user_by_email,
    get_or_create_account,
    get_storage,
    grant_membership,
    normalize_email,
    utcnow,
)

from .accounts import account_number
from .backend import LocalBackend
from .catalog import COUNTRY_CODES, FAMILIES, TOPICS
from .importers import ensure_documents, file_bytes
from .models import Device, Event, LegacyAccount, SoftwareUpdate, UserInterest
from .settings import NAME

LIBRARY_SIZE = 2_400
DEMO_PASSWORD = "Omicron-Demo-2026"  # noqa: S105 - printed by `portique demo`
DEMO_EMAIL = "anna.berger@stadtwerke-demo.example"
KNOWN_SERIAL = "AB123Z"
FREE_SERIAL = "CD456Y"
FOREIGN_SERIAL = "EF789X"
LEGACY_EMAIL = "martin.keller@netzbetrieb-demo.example"

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def demo_serial(i: int) -> str:
    """A deterministic serial number of the generated registry."""
    return f"{_LETTERS[i % 23]}{_LETTERS[(i // 23) % 23]}{(i * 7) % 1000:03d}{_LETTERS[(i // 7) % 23]}"


async def _devices(db: AsyncSession) -> None:
    if await db.scalar(select(func.count()).select_from(Device)):
        return
    db.add(Device(serial_number=KNOWN_SERIAL, product="CPC 100", family="cpc", country="AT",
                  owner_company="Stadtwerke Demo GmbH", sold_on=date(2022, 3, 14)))  # fmt: skip
    db.add(Device(serial_number=FREE_SERIAL, product="CMC 356", family="cmc", country="DE", sold_on=date(2023, 6, 1)))
    db.add(Device(serial_number=FOREIGN_SERIAL, product="TESTRANO 600", family="testrano", country="FR",
                  owner_company="Réseau Exemple SA", sold_on=date(2021, 9, 30)))  # fmt: skip
    products = [(family, product) for family, items in FAMILIES.items() for product in items]
    seen = {KNOWN_SERIAL, FREE_SERIAL, FOREIGN_SERIAL}
    for i in range(300):
        serial = demo_serial(i)
        if serial in seen:
            continue
        seen.add(serial)
        family, product = products[i % len(products)]
        country = COUNTRY_CODES[i % len(COUNTRY_CODES)]
        sold_on = date(2018, 1, 1) + timedelta(days=i * 5)
        db.add(Device(serial_number=serial, product=product, family=family, country=country, sold_on=sold_on))
    await db.flush()


async def _updates(db: AsyncSession, tenant: Tenant) -> None:
    if await db.scalar(select(func.count()).select_from(SoftwareUpdate)):
        return
    for family, products in FAMILIES.items():
        for n, version in enumerate(("4.10", "4.20", "5.00")):
            product = products[0]
            file_name = f"{product.replace(' ', '_')}_{version}.zip"
            content = file_bytes(f"updates/{family}/{file_name}")
            key = await get_storage().save("omicron_registration", tenant.id, content)
            size, digest = len(content), hashlib.sha256(content).hexdigest()
            db.add(
                SoftwareUpdate(
                    family=family,
                    product=product,
                    version=version,
                    notes=f"{product} {version}",
                    released_on=date(2024, 2, 1) + timedelta(days=120 * n),
                    file_key=key,
                    file_name=file_name,
                    size=size,
                    sha256=digest,
                )
            )
    await db.flush()


async def _events(db: AsyncSession) -> None:
    if await db.scalar(select(func.count()).select_from(Event)):
        return
    cities = {"AT": "Klaus", "DE": "Stuttgart", "FR": "Lyon", "CH": "Zürich", "BE": "Bruxelles", "US": "Houston"}
    families, topics = list(FAMILIES), list(TOPICS)
    for i in range(36):
        country = list(cities)[i % len(cities)]
        db.add(
            Event(
                kind="training" if i % 2 else "event",
                title=f"{FAMILIES[families[i % len(families)]][0]} – {cities[country]} #{i + 1}",
                family=families[i % len(families)],
                topic=topics[i % len(topics)],
                country=country,
                city=cities[country],
                starts_on=date(2026, 12, 1) + timedelta(days=9 * i),
            )
        )
    await db.flush()


async def _legacy(db: AsyncSession) -> None:
    if await db.scalar(select(LegacyAccount.id).where(LegacyAccount.email_normalized == LEGACY_EMAIL)):
        return
    db.add(
        LegacyAccount(
            email=LEGACY_EMAIL,
            email_normalized=normalize_email(LEGACY_EMAIL),
            username="mkeller",
            first_name="Martin",
            last_name="Keller",
            company="Netzbetrieb Demo AG",
        )
    )
    await db.flush()


async def _customer(db: AsyncSession) -> None:
    if await find_user_by_email(db, DEMO_EMAIL) is not None:
        return
    company = "Stadtwerke Demo GmbH"
    user = await create_user(db, email=DEMO_EMAIL, password=DEMO_PASSWORD, username="aberger", first_name="Anna",
                             last_name="Berger", company=company, locale="de", status=UserStatus.ACTIVE,
                             plugin_data={NAME: {"country": "AT", "serial": KNOWN_SERIAL}})  # fmt: skip
    user.confirmed_at = utcnow()
    account = await get_or_create_account(db, account_number(company), name=company)
    await grant_membership(db, user, account, "holder")
    await LocalBackend().claim(db, KNOWN_SERIAL, user.id, company)
    db.add(UserInterest(user_id=user.id, kind="family", code="cpc"))
    db.add(UserInterest(user_id=user.id, kind="topic", code="transformers"))
    await db.flush()


async def create_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    """Everything ``portique demo`` needs on the OMICRON tenant (safe to run twice)."""
    await _devices(db)
    await _legacy(db)
    await ensure_documents(db, tenant.id, LIBRARY_SIZE)
    await _updates(db, tenant)
    await _events(db)
    await _customer(db)
    return [
        DemoAccount("aberger", DEMO_PASSWORD, f"customer of Stadtwerke Demo GmbH, owns {KNOWN_SERIAL} (CPC 100)"),
        DemoAccount(LEGACY_EMAIL, "-", "legacy account: register with this e-mail to migrate it (username mkeller)"),
        DemoAccount(
            "serials",
            "-",
            f"{FREE_SERIAL}: auto-activation; {FOREIGN_SERIAL}: owned by another company; "
            "ZZ999Z: unknown (manual approval)",
        ),
    ]
