"""The user's devices in the apps' API (``/api/v1/omicron/devices``): registered ones, and those on their way."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from core.api import ApiCall

from .catalog import FAMILY_LABELS
from .devices import DEVICES, PENDING_DEVICES


class DeviceItem(BaseModel):
    """A device the user registered."""

    serial_number: str
    product: str
    family: str
    family_label: str
    sold_on: date | None
    registered_at: datetime


class PendingDevice(BaseModel):
    """A serial number not in the list yet: ``checking`` (OMICRON decides) or ``registry`` (accepted, not known yet)."""

    serial_number: str
    state: str
    since: datetime


class DeviceList(BaseModel):
    """The user's devices, in the order they were registered."""

    items: list[DeviceItem]
    pending: list[PendingDevice]


async def device_list(call: ApiCall) -> DeviceList:
    """``GET /omicron/devices``."""
    user_id = {"user_id": call.me.id}
    rows = (await call.db.execute(DEVICES, user_id)).all()
    waiting = sorted((await call.db.execute(PENDING_DEVICES, user_id)).all(), key=lambda row: row.since)
    return DeviceList(
        items=[
            DeviceItem(
                serial_number=device.serial_number,
                product=device.product,
                family=device.family,
                family_label=str(FAMILY_LABELS.get(device.family, device.family)),
                sold_on=device.sold_on,
                registered_at=claimed_at,
            )
            for device, claimed_at in rows
        ],
        pending=[PendingDevice(serial_number=row.serial, state=row.state, since=row.since) for row in waiting],
    )
