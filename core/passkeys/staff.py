"""Staff members' passkeys for the console: each is bound to the host it was made on (its RP ID).

Every function works in the caller's database session; the caller commits.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from webauthn.helpers import bytes_to_base64url

from core.audit.service import record as audit
from core.db.base import utcnow
from core.passkeys.ceremony import (
    CeremonyError,
    NewCredential,
    RelyingParty,
    credential_id_of,
    user_handle_of,
    verify_assertion,
)
from core.passkeys.models import StaffPasskey
from core.staff.models import Staff


async def passkeys_of(db: AsyncSession, staff: Staff) -> list[StaffPasskey]:
    """``staff``'s passkeys, oldest first."""
    rows = await db.scalars(select(StaffPasskey).where(StaffPasskey.staff_id == staff.id).order_by(StaffPasskey.id))
    return list(rows)


async def has_passkey(db: AsyncSession, staff: Staff, rp: RelyingParty) -> bool:
    """``staff`` has a passkey for this host."""
    found = await db.scalar(
        select(StaffPasskey.id).where(StaffPasskey.staff_id == staff.id, StaffPasskey.rp_id == rp.rp_id).limit(1)
    )
    return found is not None


async def user_handle(db: AsyncSession, staff: Staff) -> str:
    """``staff``'s WebAuthn user handle (base64url): random, the same for each of their passkeys."""
    handle = await db.scalar(select(StaffPasskey.user_handle).where(StaffPasskey.staff_id == staff.id).limit(1))
    return handle or bytes_to_base64url(secrets.token_bytes(32))


async def add_passkey(
    db: AsyncSession, request: Request, staff: Staff, rp: RelyingParty, new: NewCredential, *, name: str, handle: str
) -> StaffPasskey:
    """Keep ``staff``'s verified new passkey under ``name`` (audited ``passkeys.added``)."""
    passkey = StaffPasskey(
        staff_id=staff.id,
        user_handle=handle,
        credential_id=new.credential_id,
        public_key=new.public_key,
        sign_count=new.sign_count,
        transports=new.transports,
        name=name,
        rp_id=rp.rp_id,
    )
    db.add(passkey)
    await db.flush()
    _audit(db, request, "passkeys.added", staff.id, passkey)
    return passkey


async def find_passkey(db: AsyncSession, staff: Staff, passkey_id: int) -> StaffPasskey | None:
    """``staff``'s passkey ``passkey_id``, or ``None``."""
    return await db.scalar(select(StaffPasskey).where(StaffPasskey.id == passkey_id, StaffPasskey.staff_id == staff.id))


async def remove_passkey(db: AsyncSession, request: Request, staff: Staff, passkey: StaffPasskey) -> None:
    """Forget ``passkey`` (audited ``passkeys.removed``)."""
    _audit(db, request, "passkeys.removed", staff.id, passkey)
    await db.delete(passkey)


async def check_assertion(
    db: AsyncSession, request: Request, rp: RelyingParty, credential: dict[str, Any], challenge: bytes
) -> Staff | None:
    """The active staff member a sign-in answer proves (counter and last use updated); ``None`` otherwise.

    Failures are audited (``passkeys.assertion_failed``), success as ``passkeys.used``.
    """
    credential_id = credential_id_of(credential)
    passkey = None
    if credential_id:
        passkey = await db.scalar(
            select(StaffPasskey).where(StaffPasskey.rp_id == rp.rp_id, StaffPasskey.credential_id == credential_id)
        )
    staff = await db.get(Staff, passkey.staff_id) if passkey else None
    try:
        if passkey is None or staff is None or not staff.active:
            raise CeremonyError("unknown credential or inactive staff")
        if not secrets.compare_digest(user_handle_of(credential), passkey.user_handle):
            raise CeremonyError("user handle does not match")
        passkey.sign_count = verify_assertion(
            rp, credential, challenge, public_key=passkey.public_key, sign_count=passkey.sign_count
        )
    except CeremonyError as exc:
        tenant = request.state.tenant
        audit(
            db,
            "passkeys.assertion_failed",
            request=request,
            tenant_id=tenant.id if tenant else None,
            subject_type="staff" if passkey else "",
            subject_id=passkey.staff_id if passkey else "",
            passkey=passkey.id if passkey else None,
            reason=str(exc)[:200],
        )
        return None
    passkey.last_used_at = utcnow()
    _audit(db, request, "passkeys.used", staff.id, passkey)
    return staff


def _audit(db: AsyncSession, request: Request, action: str, staff_id: int, passkey: StaffPasskey) -> None:
    tenant = request.state.tenant
    audit(
        db,
        action,
        request=request,
        tenant_id=tenant.id if tenant else None,
        actor_type="staff",
        actor_id=staff_id,
        subject_type="staff",
        subject_id=staff_id,
        passkey=passkey.id,
        name=passkey.name,
    )
