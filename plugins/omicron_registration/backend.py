"""The OMICRON back office: devices sold, legacy accounts and claims (protocol + local tables).

An operator may replace :class:`LocalBackend` by a connector to OMICRON's real systems: a plugin
registering another :class:`OmicronBackend` through ``portique_services``. The pages and hooks only
talk to the protocol.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import normalize_email, utcnow

from .models import ClaimedDevice, Device, LegacyAccount

SERIAL_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{3}[A-Z]$")
_COMPANY_NOISE = re.compile(r"[^0-9a-z]+")


def normalize_serial(value: str) -> str:
    """The stored form of a serial number: upper case, without spaces or dashes (``ab 123-z`` → ``AB123Z``)."""
    return re.sub(r"[\s\-]+", "", value or "").upper()


def serial_format_ok(serial: str) -> bool:
    """``serial`` (already normalised) has the rating-plate format: two letters, three digits, one letter."""
    return SERIAL_PATTERN.fullmatch(serial) is not None


def company_key(company: str) -> str:
    """The comparison form of a company name (accents, case, spaces and punctuation ignored)."""
    folded = unicodedata.normalize("NFKD", company or "").encode("ascii", "ignore").decode().lower()
    return _COMPANY_NOISE.sub("", folded)


class SerialStatus(StrEnum):
    """What the registry says about a serial number entered by a customer."""

    KNOWN = "known"  # sold, not claimed by another company: the default rule activates automatically
    UNKNOWN = "unknown"  # not in the registry
    CLAIMED_ELSEWHERE = "claimed_elsewhere"  # already registered by another company
    OWNER_MISMATCH = "owner_mismatch"  # the registry knows another owner company


@dataclass(frozen=True)
class SerialCheck:
    """The registry's answer for one serial number and company."""

    serial: str
    status: SerialStatus
    product: str = ""
    family: str = ""
    country: str = ""
    owner_company: str = ""
    other_companies: tuple[str, ...] = field(default_factory=tuple)

    @property
    def automatic(self) -> bool:
        """The default rule: the serial is in the registry and not claimed by another company."""
        return self.status == SerialStatus.KNOWN

    def as_dict(self) -> dict[str, object]:
        """JSON form, kept on the user and shown to the operator."""
        return {
            "serial": self.serial,
            "status": str(self.status),
            "product": self.product,
            "family": self.family,
            "country": self.country,
            "owner_company": self.owner_company,
            "other_companies": list(self.other_companies),
        }


@dataclass(frozen=True)
class LegacyRecord:
    """An account of the former Customer Area."""

    id: int
    email: str
    username: str
    first_name: str
    last_name: str
    company: str
    country: str
    migrated: bool


class OmicronBackend(Protocol):
    """What the Customer Area needs from OMICRON's back office."""

    async def check_serial(
        self, db: AsyncSession, serial: str, company: str, *, user_id: int | None = None
    ) -> SerialCheck:
        """Look a (normalised) serial number up for a registrant of ``company``."""

    async def claim(self, db: AsyncSession, serial: str, user_id: int, company: str) -> bool:
        """Record that ``user_id`` owns the device; ``False`` when the serial is not in the registry."""

    async def find_legacy_account(self, db: AsyncSession, email: str) -> LegacyRecord | None:
        """The legacy account with this e-mail, if any (migrated or not)."""

    async def mark_migrated(self, db: AsyncSession, legacy_id: int, user_id: int) -> None:
        """Remember that the legacy account now lives in the new portal as ``user_id``."""


class LocalBackend:
    """The back office kept in the portal's own tables (filled by CSV imports and demo data)."""

    async def check_serial(
        self, db: AsyncSession, serial: str, company: str, *, user_id: int | None = None
    ) -> SerialCheck:
        """See :meth:`OmicronBackend.check_serial`."""
        device = await db.scalar(select(Device).where(Device.serial_number == serial))
        if device is None:
            return SerialCheck(serial=serial, status=SerialStatus.UNKNOWN)
        key = company_key(company)
        claims = (await db.scalars(select(ClaimedDevice).where(ClaimedDevice.device_id == device.id))).all()
        others = tuple(sorted({c.company for c in claims if c.company_key != key and c.user_id != user_id}))
        status = SerialStatus.KNOWN
        if others:
            status = SerialStatus.CLAIMED_ELSEWHERE
        elif device.owner_company and company_key(device.owner_company) != key:
            status = SerialStatus.OWNER_MISMATCH
        return SerialCheck(
            serial=serial,
            status=status,
            product=device.product,
            family=device.family,
            country=device.country,
            owner_company=device.owner_company,
            other_companies=others,
        )

    async def claim(self, db: AsyncSession, serial: str, user_id: int, company: str) -> bool:
        """See :meth:`OmicronBackend.claim`."""
        device = await db.scalar(select(Device).where(Device.serial_number == serial))
        if device is None:
            return False
        existing = await db.scalar(
            select(ClaimedDevice).where(ClaimedDevice.device_id == device.id, ClaimedDevice.user_id == user_id)
        )
        if existing is None:
            db.add(
                ClaimedDevice(device_id=device.id, user_id=user_id, company=company, company_key=company_key(company))
            )
            await db.flush()
        return True

    async def find_legacy_account(self, db: AsyncSession, email: str) -> LegacyRecord | None:
        """See :meth:`OmicronBackend.find_legacy_account`."""
        row = await db.scalar(select(LegacyAccount).where(LegacyAccount.email_normalized == normalize_email(email)))
        if row is None:
            return None
        return LegacyRecord(
            id=row.id,
            email=row.email,
            username=row.username,
            first_name=row.first_name,
            last_name=row.last_name,
            company=row.company,
            country=row.country,
            migrated=row.migrated_at is not None,
        )

    async def mark_migrated(self, db: AsyncSession, legacy_id: int, user_id: int) -> None:
        """See :meth:`OmicronBackend.mark_migrated`."""
        row = await db.get(LegacyAccount, legacy_id)
        if row is not None:
            row.migrated_at = utcnow()
            row.user_id = user_id
            await db.flush()
