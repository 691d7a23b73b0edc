"""Single-use action tokens: 256-bit random, stored as SHA-256, expiring, bound to a tenant."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.identity.models import ActionToken, User


class TokenProblem(StrEnum):
    """Why a token cannot be used."""

    UNKNOWN = "unknown"  # never issued, mistyped, or issued by another tenant
    EXPIRED = "expired"
    USED = "used"


@dataclass
class TokenCheck:
    """The outcome of looking up a token: the token row, or the problem."""

    token: ActionToken | None
    problem: TokenProblem | None = None

    @property
    def ok(self) -> bool:
        """The token can be used."""
        return self.problem is None


# What :func:`new_raw_token` hands out (``secrets.token_urlsafe(32)``: 43 characters of the URL-safe
# alphabet); anything else in a link was never issued and is not looked up.
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{16,100}")


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def new_raw_token() -> str:
    """A fresh random token (256 bits, URL-safe) of the form :func:`well_formed` accepts."""
    return secrets.token_urlsafe(32)


def well_formed(raw: object) -> bool:
    """``raw`` looks like a token this portal issued (URL-safe characters, a sane length)."""
    return isinstance(raw, str) and _WELL_FORMED.fullmatch(raw) is not None


async def issue_token(
    db: AsyncSession,
    purpose: str,
    *,
    valid_for: timedelta,
    user: User | None = None,
    payload: dict[str, Any] | None = None,
) -> str:
    """Create a token for ``purpose``; returns the raw value to put in a link (never stored)."""
    raw = new_raw_token()
    db.add(
        ActionToken(
            token_hash=hash_token(raw),
            purpose=purpose,
            user_id=user.id if user else None,
            payload=payload or {},
            expires_at=utcnow() + valid_for,
        )
    )
    await db.flush()
    return raw


async def check_token(db: AsyncSession, raw: str, purpose: str) -> TokenCheck:
    """Look up a token of the session's tenant for ``purpose`` without using it."""
    if not well_formed(raw):
        return TokenCheck(None, TokenProblem.UNKNOWN)
    token = await db.scalar(
        select(ActionToken).where(ActionToken.token_hash == hash_token(raw), ActionToken.purpose == purpose)
    )
    if token is None:
        return TokenCheck(None, TokenProblem.UNKNOWN)
    if token.used_at is not None:
        return TokenCheck(token, TokenProblem.USED)
    if token.expires_at <= utcnow():
        return TokenCheck(token, TokenProblem.EXPIRED)
    return TokenCheck(token)


async def consume_token(db: AsyncSession, raw: str, purpose: str) -> TokenCheck:
    """Look up a token and mark it used (in ``db``'s transaction) when it is valid."""
    check = await check_token(db, raw, purpose)
    if check.ok and check.token is not None:
        check.token.used_at = utcnow()
    return check


async def revoke_tokens(db: AsyncSession, user: User, purpose: str) -> None:
    """Mark every unused token of ``user`` for ``purpose`` as used (a new link replaces old ones)."""
    tokens = await db.scalars(
        select(ActionToken).where(
            ActionToken.user_id == user.id, ActionToken.purpose == purpose, ActionToken.used_at.is_(None)
        )
    )
    for token in tokens:
        token.used_at = utcnow()
