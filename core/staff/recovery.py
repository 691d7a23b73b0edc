"""Recovery codes of staff two-step sign-in (see :mod:`core.identity.recovery`): made when the
authenticator is set up or on request, typed at the console sign-in instead of an app code."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import recovery
from core.staff.models import Staff, StaffRecoveryCode


def _scope(staff: Staff) -> str:
    return f"staff:{staff.id}"


async def issue_codes(db: AsyncSession, staff: Staff) -> list[str]:
    """Replace ``staff``'s recovery codes with new ones and return them, to show once (the caller commits)."""
    return await recovery.replace_codes(db, StaffRecoveryCode, staff.id, _scope(staff))


async def use_code(db: AsyncSession, staff: Staff, typed: str | None) -> bool:
    """Burn ``staff``'s unused code ``typed``; ``False`` when it does not match one."""
    return await recovery.use_code(db, StaffRecoveryCode, staff.id, _scope(staff), typed)


async def codes_left(db: AsyncSession, staff: Staff) -> int:
    """How many unused recovery codes ``staff`` has."""
    return await recovery.remaining(db, StaffRecoveryCode, staff.id)


async def delete_codes(db: AsyncSession, staff: Staff) -> None:
    """Forget ``staff``'s recovery codes (two-step sign-in was reset)."""
    await recovery.delete_codes(db, StaffRecoveryCode, staff.id)
