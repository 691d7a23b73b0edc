"""The customer's OMICRON data for their export (registered and waiting devices, dashboard interests, the
former account their access was migrated from) and the rules of their account's deletion: the devices are
released (another owner may register them), interests and the former account removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import DeletionRule, ExportPart, Tenant, User, gettext

from .models import ClaimedDevice, Device, LegacyAccount, UserInterest, WaitingDevice
from .settings import NAME


async def _devices(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    rows = await db.execute(
        select(ClaimedDevice, Device)
        .join(Device, Device.id == ClaimedDevice.device_id)
        .where(ClaimedDevice.user_id == user.id)
        .order_by(ClaimedDevice.claimed_at, ClaimedDevice.id)
    )
    return [
        {
            "serial_number": device.serial_number,
            "product": device.product,
            "family": device.family,
            "country": device.country,
            "sold_on": device.sold_on,
            "company": claim.company,
            "registered_at": claim.claimed_at,
        }
        for claim, device in rows
    ]


async def _waiting(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    rows = await db.scalars(
        select(WaitingDevice).where(WaitingDevice.user_id == user.id).order_by(WaitingDevice.accepted_at)
    )
    return [{"serial_number": w.serial_number, "company": w.company, "accepted_at": w.accepted_at} for w in rows]


async def _interests(db: AsyncSession, user: User) -> dict[str, list[str]]:
    rows = await db.scalars(
        select(UserInterest).where(UserInterest.user_id == user.id).order_by(UserInterest.kind, UserInterest.code)
    )
    chosen: dict[str, list[str]] = {"families": [], "topics": []}
    for row in rows:
        chosen["families" if row.kind == "family" else "topics"].append(row.code)
    return chosen


async def _former_account(db: AsyncSession, user: User) -> dict[str, Any] | None:
    legacy = await db.scalar(select(LegacyAccount).where(LegacyAccount.user_id == user.id))
    if legacy is None:
        return None
    return {
        "email": legacy.email,
        "username": legacy.username,
        "first_name": legacy.first_name,
        "last_name": legacy.last_name,
        "company": legacy.company,
        "country": legacy.country,
        "migrated_at": legacy.migrated_at,
    }


async def export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    """Two parts: ``devices`` (registered and waiting) and ``profile`` (interests, former account)."""
    devices = {"registered": await _devices(db, user), "waiting": await _waiting(db, user)}
    profile = {
        "country": ((user.plugin_data or {}).get(NAME) or {}).get("country", ""),
        "interests": await _interests(db, user),
        "former_account": await _former_account(db, user),
    }
    return [ExportPart("devices", devices), ExportPart("profile", profile)]


async def _erase(db: AsyncSession, user: User) -> dict[str, int]:
    """Release the devices, forget the waiting ones, the interests and the former account."""
    done = {}
    for key, model in (
        ("devices_released", ClaimedDevice),
        ("waiting_devices_removed", WaitingDevice),
        ("interests_removed", UserInterest),
        ("former_accounts_removed", LegacyAccount),
    ):
        result = await db.execute(delete(model).where(model.user_id == user.id))
        done[key] = int(getattr(result, "rowcount", 0) or 0)
    return done


def deletion_rule(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    """Never refused: the devices are released, the interests and the former account removed."""

    async def erase() -> dict[str, int]:
        return await _erase(db, user)

    return DeletionRule(
        removes=(
            gettext("Your registered devices are released: another owner can register them."),
            gettext("Your dashboard interests and your former account are removed."),
        ),
        erase=erase,
    )
