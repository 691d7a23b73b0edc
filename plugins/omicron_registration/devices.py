"""My devices: the serial numbers a customer registers, claims an operator decides, waiting devices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    ApprovalRequest,
    ApprovalStatus,
    PortiqueForm,
    Tenant,
    User,
    audit,
    flash,
    gettext,
    login_required,
    queue_mail,
    redirect_to,
    render,
    service,
    tenant_db,
    utcnow,
)

from .access import (
    USER_ID,
    claimed,
    signed_in_user,
)
from .backend import OmicronBackend, SerialStatus
from .catalog import FAMILY_LABELS
from .models import ClaimedDevice, Device, WaitingDevice
from .registration import approval_payload, serial_field
from .settings import NAME

DEVICE_CLAIM = "device_claim"
DEVICE_ATTEMPTS_PER_HOUR = 10

# -- My devices -----------------------------------------------------------------------------------


DEVICES = claimed(Device, ClaimedDevice.claimed_at).order_by(ClaimedDevice.claimed_at)
"""The devices registered by the user bound as ``user_id``, with when, in that order."""

_CLAIMS = (
    ApprovalRequest.plugin == NAME,
    ApprovalRequest.kind == DEVICE_CLAIM,
    ApprovalRequest.user_id == USER_ID,
)
CHECKING, IN_REGISTRY = "checking", "registry"
PENDING_DEVICES = union_all(
    select(
        literal(CHECKING).label("state"),
        ApprovalRequest.payload["serial"].as_string().label("serial"),
        ApprovalRequest.created_at.label("since"),
    ).where(*_CLAIMS, ApprovalRequest.status == ApprovalStatus.PENDING),
    select(literal(IN_REGISTRY), WaitingDevice.serial_number, WaitingDevice.accepted_at).where(
        WaitingDevice.user_id == USER_ID
    ),
)
"""``(state, serial, since)`` of the user's devices that are not in the list yet: ``checking`` (a claim
an operator has not decided) or ``registry`` (accepted, waiting for the device registry)."""


def _recent_attempts() -> Select[Any]:
    since = bindparam("since", type_=ClaimedDevice.claimed_at.type)
    claimed = select(func.count()).select_from(ClaimedDevice)
    claimed = claimed.where(ClaimedDevice.user_id == USER_ID, ClaimedDevice.claimed_at > since)
    requested = select(func.count()).select_from(ApprovalRequest).where(*_CLAIMS, ApprovalRequest.created_at > since)
    return select(claimed.scalar_subquery(), requested.scalar_subquery())


RECENT_ATTEMPTS = _recent_attempts()
"""(devices registered, device claims requested) by the user bound as ``user_id`` after ``since``."""


class AddDeviceForm(PortiqueForm):
    """Register another device: the same serial-number checks as the registration."""

    serial_number = serial_field()


@login_required
async def devices_page(request: Request) -> Response:
    """``/omicron/devices``: the user's devices, and a form to add another one."""
    user = await signed_in_user(request)
    tenant = request.state.tenant
    form = await AddDeviceForm.from_request(request)
    async with tenant_db(request) as db:
        if request.method == "POST" and form.validate() and await too_many_device_attempts(db, user.id):
            form.serial_number.errors = [
                gettext("You have tried to add many devices in the last hour. Please try again later.")
            ]
        elif request.method == "POST" and not form.serial_number.errors:
            outcome = await add_device(db, tenant, user, form.serial_number.data, request=request)
            await db.commit()
            if outcome == "added":
                flash(request, gettext("The device %(serial)s was added.", serial=form.serial_number.data), "success")
                return redirect_to(request, "omicron_devices")
            if outcome == "pending":
                flash(
                    request,
                    gettext(
                        "We could not verify %(serial)s automatically. OMICRON will check it; this can take some time.",
                        serial=form.serial_number.data,
                    ),
                    "warning",
                )
                return redirect_to(request, "omicron_devices")
            form.serial_number.errors = [gettext("This device is already in your list.")]
        devices = (await db.execute(DEVICES, {"user_id": user.id})).all()
        pending = sorted((await db.execute(PENDING_DEVICES, {"user_id": user.id})).all(), key=lambda row: row.since)
    return await render(
        request,
        "omicron_registration/devices.html",
        {"form": form, "devices": devices, "pending": pending, "families": FAMILY_LABELS},
    )


async def too_many_device_attempts(db: AsyncSession, user_id: int) -> bool:
    """More than ``DEVICE_ATTEMPTS_PER_HOUR`` devices added or requested in the last hour (no registry probing)."""
    claimed, requested = (
        await db.execute(RECENT_ATTEMPTS, {"user_id": user_id, "since": utcnow() - timedelta(hours=1)})
    ).one()
    return int(claimed or 0) + int(requested or 0) >= DEVICE_ATTEMPTS_PER_HOUR


async def add_device(
    db: AsyncSession, tenant: Tenant, user: User, serial: str, *, request: Request | None = None
) -> str:
    """Claim ``serial`` for ``user``: ``added`` (registry rule passed), ``pending`` (operator) or ``duplicate``."""
    backend = service(tenant, OmicronBackend)
    check = await backend.check_serial(db, serial, user.company, user_id=user.id)
    already = await db.scalar(
        select(ClaimedDevice.id)
        .join(Device, Device.id == ClaimedDevice.device_id)
        .where(Device.serial_number == serial, ClaimedDevice.user_id == user.id)
    )
    if already is not None:
        return "duplicate"
    if check.status == SerialStatus.KNOWN:
        await backend.claim(db, serial, user.id, user.company)
        audit(db, "omicron.device_claimed", request=request, actor_type="user", actor_id=user.id,
              subject_type="device", subject_id=serial)  # fmt: skip
        return "added"
    country = ((user.plugin_data or {}).get(NAME) or {}).get("country", "")
    db.add(
        ApprovalRequest(
            plugin=NAME,
            kind=DEVICE_CLAIM,
            title=f"Device {serial} for {user.full_name} ({user.company})",
            user_id=user.id,
            payload={**approval_payload(check, user.company, country), "serial": serial},
        )
    )
    audit(db, "omicron.device_claim_requested", request=request, actor_type="user", actor_id=user.id,
          subject_type="device", subject_id=serial)  # fmt: skip
    return "pending"


async def approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> None:
    """An operator decided on a device claim: an approved one becomes the user's device.

    Approved before the registry knows the serial number, it waits for it (:mod:`.waiting`).
    """
    if approval.plugin != NAME or approval.kind != DEVICE_CLAIM or approval.user_id is None:
        return
    user = await db.get(User, approval.user_id)
    serial = str(approval.payload.get("serial", ""))
    if user is None or not serial:
        return
    approved = approval.status == ApprovalStatus.APPROVED
    waiting = False
    if approved and not await service(tenant, OmicronBackend).claim(db, serial, user.id, user.company):
        from .waiting import wait_for_registry

        await wait_for_registry(db, tenant, user, serial, user.company)
        waiting = True
    queue_mail(
        db,
        tenant,
        user.email,
        "omicron_registration/device_decided",
        {"user": user, "serial": serial, "approved": approved, "waiting": waiting, "reason": approval.reason},
        locale=user.locale,
    )
