"""Filling the back-office registry: CSV importers (devices sold, legacy accounts) and generated content."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowChecks, RowError, Rows, Tenant, gettext, lazy_gettext, normalize_email

from .backend import normalize_serial, serial_format_ok
from .catalog import COUNTRY_CODES, DOC_TYPES, FAMILIES, LANGUAGES, TOPICS, family_of
from .library_texts import TOPIC_NAMES
from .models import Device, Document, DocumentWord, LegacyAccount
from .waiting import link_waiting_devices

DEVICE_COLUMNS = ("serial_number", "product", "country", "owner_company", "sold_on")
LEGACY_COLUMNS = ("email", "username", "first_name", "last_name", "company", "country")


async def validate_devices(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of a devices CSV (serial format, duplicates, product, country, date)."""
    check = RowChecks()
    for row in check.each(rows):
        serial = normalize_serial(row.get("serial_number", ""))
        if not serial_format_ok(serial):
            check.fail("serial_number", gettext("The serial number must look like AB123Z."))
        else:
            check.unique("serial_number", serial, gettext("This serial number appears twice in the file."))
        if family_of(check.cell(row, "product")) is None:
            check.fail("product", gettext("Unknown product."))
        _country(check, row)
        check.date(row, "sold_on", required=False)
    return check.errors


def _country(check: RowChecks, row: dict[str, str]) -> None:
    """An optional ISO country code."""
    country = check.cell(row, "country").upper()
    if country and country not in COUNTRY_CODES:
        check.fail("country", gettext("Unknown country code."))


async def apply_devices(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Insert or update the devices of a validated CSV; returns how many rows were written.

    Serial numbers customers were waiting for become their devices (and they are told by mail).
    """
    count = 0
    for row in rows:
        serial = normalize_serial(row["serial_number"])
        device = await db.scalar(select(Device).where(Device.serial_number == serial))
        if device is None:
            device = Device(serial_number=serial)
            db.add(device)
        product = row["product"].strip()
        device.product = product
        device.family = family_of(product) or ""
        device.country = row.get("country", "").strip().upper()
        device.owner_company = row.get("owner_company", "").strip()
        sold_on = row.get("sold_on", "").strip()
        device.sold_on = date.fromisoformat(sold_on) if sold_on else None
        count += 1
    await db.flush()
    await link_waiting_devices(db, tenant, {normalize_serial(row["serial_number"]) for row in rows})
    return count


async def validate_legacy(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of a legacy accounts CSV (e-mail, username, duplicates, country)."""
    check = RowChecks()
    for row in check.each(rows):
        email = normalize_email(row.get("email", ""))
        if "@" not in email or " " in email:
            check.fail("email", gettext("Enter a valid e-mail address."))
        else:
            check.unique("email", email, gettext("This e-mail address appears twice in the file."))
        username = check.cell(row, "username").lower()
        if not username:
            check.fail("username", gettext("The username is missing."))
        else:
            check.unique("username", username, gettext("This username appears twice in the file."))
        _country(check, row)
    return check.errors


async def apply_legacy(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Insert or update legacy accounts (an already migrated one keeps its migration)."""
    count = 0
    for row in rows:
        key = normalize_email(row["email"])
        account = await db.scalar(select(LegacyAccount).where(LegacyAccount.email_normalized == key))
        if account is None:
            account = LegacyAccount(email=row["email"].strip(), email_normalized=key)
            db.add(account)
        account.username = row["username"].strip()
        account.first_name = row.get("first_name", "").strip()
        account.last_name = row.get("last_name", "").strip()
        account.company = row.get("company", "").strip()
        account.country = row.get("country", "").strip().upper()
        count += 1
    await db.flush()
    return count


def importers() -> list[RegistryImporter]:
    """The registry imports of the plugin."""
    return [
        RegistryImporter(
            code="devices",
            label=lazy_gettext("Devices sold"),
            columns=DEVICE_COLUMNS,
            validate=validate_devices,
            apply=apply_devices,
        ),
        RegistryImporter(
            code="legacy_accounts",
            label=lazy_gettext("Accounts of the former Customer Area"),
            columns=LEGACY_COLUMNS,
            validate=validate_legacy,
            apply=apply_legacy,
        ),
    ]


# -- generated library ------------------------------------------------------------------------

_TITLE_PATTERNS = {
    "en": ("{product}: {topic} in practice", "Testing {topic} with the {product}", "{product} {topic} guide"),
    "de": ("{product}: {topic} in der Praxis", "{topic} prüfen mit dem {product}", "{product} Leitfaden {topic}"),
    "fr": ("{product} : {topic} en pratique", "Tester {topic} avec le {product}", "Guide {product} {topic}"),
}


def generate_documents(count: int, tenant_id: int, *, start: int = 0) -> list[dict[str, Any]]:
    """``count`` deterministic library documents (rows for a bulk insert), spread over every filter."""
    families, topics, types, languages = list(FAMILIES), list(TOPICS), list(DOC_TYPES), list(LANGUAGES)
    first_day = date(2015, 1, 1)
    rows: list[dict[str, Any]] = []
    for i in range(start, start + count):
        family = families[i % len(families)]
        topic = topics[(i // len(families)) % len(topics)]
        doc_type = types[(i // 3) % len(types)]
        language = languages[(i // 7) % len(languages)]
        products = FAMILIES[family]
        product = products[i % len(products)]
        pattern = _TITLE_PATTERNS[language][i % 3]
        title = f"{pattern.format(product=product, topic=TOPIC_NAMES[language][topic])} #{i + 1}"
        summary = f"{product} · {TOPIC_NAMES[language][topic]} · {doc_type.replace('_', ' ')}"
        rows.append(
            {
                "tenant_id": tenant_id,
                "title": title,
                "summary": summary,
                "search_text": f"{title} {summary}".lower(),
                "family": family,
                "topic": topic,
                "language": language,
                "doc_type": doc_type,
                "published_on": first_day + timedelta(days=(i * 37) % 4000),
                "pages": 3 + (i % 6),
            }
        )
    return rows


_WORD = re.compile(r"[^\W_]{2,40}")


def words_of(text: str) -> set[str]:
    """The searchable words of a text (lower case, at least two letters or digits)."""
    return set(_WORD.findall(text.lower()))


async def index_documents(db: AsyncSession, tenant_id: int, documents: list[tuple[int, dict[str, Any]]]) -> None:
    """Add (document id, document values) pairs to the library's word index."""
    columns = ("family", "topic", "language", "doc_type", "published_on")
    rows = [
        {"tenant_id": tenant_id, "document_id": doc_id, "word": word, **{c: values[c] for c in columns}}
        for doc_id, values in documents
        for word in sorted(words_of(values["search_text"]))
    ]
    for offset in range(0, len(rows), 5000):
        await db.execute(insert(DocumentWord), rows[offset : offset + 5000])


async def ensure_documents(db: AsyncSession, tenant_id: int, count: int) -> int:
    """Top the library up to ``count`` documents (and their search words); returns how many were added."""
    existing = int(await db.scalar(select(func.count()).select_from(Document)) or 0)
    missing = count - existing
    if missing <= 0:
        return 0
    rows = generate_documents(missing, tenant_id, start=existing)
    for offset in range(0, len(rows), 2000):
        chunk = rows[offset : offset + 2000]
        ids = (await db.scalars(insert(Document).returning(Document.id, sort_by_parameter_order=True), chunk)).all()
        await index_documents(db, tenant_id, list(zip(ids, chunk, strict=True)))
    return missing


def file_bytes(label: str, size: int = 4096) -> bytes:
    """Deterministic demo content for a stored file."""
    seed = hashlib.sha256(label.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]
