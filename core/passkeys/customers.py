"""Customers' passkeys on a tenant: registering, listing, renaming, removing, and signing in with one.

Every function works in the caller's tenant-scoped database session (rows of another tenant are
never seen); the caller commits.
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
from core.identity.models import User
from core.passkeys.ceremony import (
    CeremonyError,
    NewCredential,
    RelyingParty,
    credential_id_of,
    user_handle_of,
    verify_assertion,
)
from core.passkeys.models import Passkey


async def passkeys_of(db: AsyncSession, user: User) -> list[Passkey]:
    """``user``'s passkeys, oldest first."""
    rows = await db.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id))
    return list(rows)


async def user_handle(db: AsyncSession, user: User) -> str:
    """``user``'s WebAuthn user handle (base64url): random, the same for each of their passkeys."""
    handle = await db.scalar(select(Passkey.user_handle).where(Passkey.user_id == user.id).limit(1))
    return handle or bytes_to_base64url(secrets.token_bytes(32))


async def add_passkey(
    db: AsyncSession, request: Request, user: User, rp: RelyingParty, new: NewCredential, *, name: str, handle: str
) -> Passkey:
    """Keep ``user``'s verified new passkey under ``name`` (audited ``passkeys.added``)."""
    passkey = Passkey(
        user_id=user.id,
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
    _audit(db, request, "passkeys.added", user.id, passkey)
    return passkey


async def remove_passkey(db: AsyncSession, request: Request, user: User, passkey: Passkey) -> None:
    """Forget ``passkey`` (audited ``passkeys.removed``)."""
    _audit(db, request, "passkeys.removed", user.id, passkey)
    await db.delete(passkey)


async def find_passkey(db: AsyncSession, user: User, passkey_id: int) -> Passkey | None:
    """``user``'s passkey ``passkey_id``, or ``None``."""
    return await db.scalar(select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id))


async def check_assertion(
    db: AsyncSession, request: Request, rp: RelyingParty, credential: dict[str, Any], challenge: bytes
) -> User | None:
    """The user a sign-in answer proves, its passkey's counter and last use updated; ``None`` otherwise.

    The passkey must be one of this tenant's, made for this host, and carry its user's handle. A
    failure is audited (``passkeys.assertion_failed``); success is audited by the sign-in itself
    and as ``passkeys.used``.
    """
    credential_id = credential_id_of(credential)
    passkey = None
    if credential_id:
        passkey = await db.scalar(select(Passkey).where(Passkey.credential_id == credential_id))
    try:
        if passkey is None or passkey.rp_id != rp.rp_id:
            raise CeremonyError("unknown credential")
        if not secrets.compare_digest(user_handle_of(credential), passkey.user_handle):
            raise CeremonyError("user handle does not match")
        passkey.sign_count = verify_assertion(
            rp, credential, challenge, public_key=passkey.public_key, sign_count=passkey.sign_count
        )
    except CeremonyError as exc:
        audit(
            db,
            "passkeys.assertion_failed",
            request=request,
            subject_type="user" if passkey else "",
            subject_id=passkey.user_id if passkey else "",
            passkey=passkey.id if passkey else None,
            reason=str(exc)[:200],
        )
        return None
    passkey.last_used_at = utcnow()
    user = await db.get(User, passkey.user_id)
    if user is not None:
        _audit(db, request, "passkeys.used", user.id, passkey)
    return user


def _audit(db: AsyncSession, request: Request, action: str, user_id: int, passkey: Passkey) -> None:
    audit(
        db,
        action,
        request=request,
        actor_type="user",
        actor_id=user_id,
        subject_type="user",
        subject_id=user_id,
        passkey=passkey.id,
        name=passkey.name,
    )
