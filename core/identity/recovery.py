"""Recovery codes: ten single-use codes that stand in for an authenticator code when the phone is lost.

Shared by customers (:class:`core.identity.models.RecoveryCode`) and console staff
(:class:`core.staff.models.StaffRecoveryCode`): both tables have ``owner_id``, ``code_hash`` and
``used_at``, so one set of functions serves both. A code is ``xxxx-xxxx-xx`` from a 31-letter
alphabet without look-alikes (no 0/o, 1/l/i), drawn with :mod:`secrets`; it is shown once and only
its hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
GROUPS = (4, 4, 2)
COUNT = 10
FEW_LEFT = 2  # at or below this many unused codes, the security page warns


def new_code() -> str:
    """One random code, like ``k7m2-x9qp-4d`` (about 49.5 bits of entropy)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for size in GROUPS)


def normalize(typed: str | None) -> str:
    """The code as stored: lower case, without spaces or dashes (people copy them either way)."""
    return "".join(ch for ch in (typed or "").lower() if ch not in " -\t")


def well_formed(typed: str | None) -> bool:
    """``typed`` could be a code (the right length, only letters of the alphabet)."""
    code = normalize(typed)
    return len(code) == sum(GROUPS) and all(ch in ALPHABET for ch in code)


def code_hash(scope: str, typed: str) -> str:
    """The SHA-256 of ``typed`` bound to its owner (``scope``, like ``user:12``).

    A fast hash is enough here, unlike for passwords: the code is random with ~50 bits from
    :mod:`secrets`, not chosen by a person, so there is no dictionary to try, and online guesses are
    throttled like authenticator codes. The owner scope makes every user's hashes different, so a
    leaked table cannot be attacked with one precomputed table nor a code moved to another user.
    """
    return hashlib.sha256(f"{scope}:{normalize(typed)}".encode()).hexdigest()


async def replace_codes(db: AsyncSession, model: Any, owner_id: int, scope: str) -> list[str]:
    """Delete the owner's codes and store :data:`COUNT` new ones; return them (shown once, never stored)."""
    await delete_codes(db, model, owner_id)
    codes = [new_code() for _ in range(COUNT)]
    db.add_all(model(owner_id=owner_id, code_hash=code_hash(scope, code)) for code in codes)
    await db.flush()
    return codes


async def use_code(db: AsyncSession, model: Any, owner_id: int, scope: str, typed: str | None) -> bool:
    """Burn the owner's unused code ``typed``; ``False`` when it is malformed, unknown or already used.

    The update matches only an unused row, so two sign-ins racing with one code cannot both win.
    """
    if not well_formed(typed):
        return False
    result = await db.execute(
        update(model)
        .where(model.owner_id == owner_id, model.code_hash == code_hash(scope, typed or ""), model.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def remaining(db: AsyncSession, model: Any, owner_id: int) -> int:
    """How many of the owner's codes are still unused."""
    found = await db.scalar(
        select(func.count()).select_from(model).where(model.owner_id == owner_id, model.used_at.is_(None))
    )
    return int(found or 0)


async def delete_codes(db: AsyncSession, model: Any, owner_id: int) -> None:
    """Forget every code of the owner (two-step sign-in turned off or reset, or new codes made)."""
    await db.execute(delete(model).where(model.owner_id == owner_id).execution_options(synchronize_session=False))
