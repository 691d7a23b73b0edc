"""Devices OMICRON accepted before its registry knew them: kept waiting, linked once the registry has them.

An operator may approve a customer (or a device claim) whose serial number is not in the registry
yet. The serial then waits here, the customer sees it as "waiting" on *My devices* and on the
dashboard, and it becomes the customer's device as soon as the registry has it: right after a
"devices sold" import in the console, or at the hourly look-up of a connected back office. The
customer is told by mail.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import PeriodicJob, Tenant, User, audit, queue_mail, service

from .backend import OmicronBackend
from .models import WaitingDevice
from .settings import NAME

LOOK_UP_EVERY = timedelta(hours=1)
LOOK_UP_BATCH = 500


async def wait_for_registry(db: AsyncSession, tenant: Tenant, user: User, serial: str, company: str) -> None:
    """Keep ``serial`` for ``user`` until the registry knows it (once per user and serial)."""
    known = await db.scalar(
        select(WaitingDevice.id).where(WaitingDevice.user_id == user.id, WaitingDevice.serial_number == serial)
    )
    if known is None:
        db.add(WaitingDevice(user_id=user.id, serial_number=serial, company=company))
        await db.flush()
    audit(db, "omicron.device_waiting_for_registry", tenant_id=tenant.id, actor_type="system",
          subject_type="device", subject_id=serial, user_id=user.id)  # fmt: skip


async def link_waiting_devices(db: AsyncSession, tenant: Tenant, serials: Collection[str] | None = None) -> int:
    """Give every waiting serial the registry now knows to its customer, and tell them by mail.

    :param serials: only these serial numbers (those a devices import just wrote); all by default.
    :return: how many devices were linked.
    """
    query = select(WaitingDevice, User).join(User, User.id == WaitingDevice.user_id).order_by(WaitingDevice.id)
    if serials is not None:
        if not serials:
            return 0
        query = query.where(WaitingDevice.serial_number.in_(sorted(serials)))
    backend = service(tenant, OmicronBackend)
    linked = 0
    for waiting, user in (await db.execute(query.limit(LOOK_UP_BATCH))).all():
        if not await backend.claim(db, waiting.serial_number, user.id, waiting.company or user.company):
            continue
        await db.execute(delete(WaitingDevice).where(WaitingDevice.id == waiting.id))
        audit(db, "omicron.device_linked", tenant_id=tenant.id, actor_type="system",
              subject_type="device", subject_id=waiting.serial_number, user_id=user.id)  # fmt: skip
        queue_mail(
            db,
            tenant,
            user.email,
            "omicron_registration/device_decided",
            {"user": user, "serial": waiting.serial_number, "approved": True, "reason": ""},
            locale=user.locale,
        )
        linked += 1
    return linked


async def link_on_every_tenant(portal: Any) -> dict[str, int]:
    """The periodic job: link waiting devices a connected back office now knows, on every OMICRON tenant."""
    counts: dict[str, int] = {}
    for tenant in portal.registry.all():
        if NAME not in portal.plugins.enabled_names(tenant):
            continue
        async with portal.database.session(tenant.id) as db:
            linked = await link_waiting_devices(db, tenant)
            await db.commit()
        if linked:
            counts[tenant.slug] = linked
    return counts


def periodic_jobs() -> list[PeriodicJob]:
    """The plugin's background work."""
    return [PeriodicJob("omicron.link_waiting_devices", LOOK_UP_EVERY, link_on_every_tenant)]
