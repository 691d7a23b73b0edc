"""Accounts of the former Customer Area that have not moved yet: what registration must leave to them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import LegacyAccount


async def legacy_username_reserved(db: AsyncSession, username: str, email: str) -> bool:
    """``username`` belongs to a legacy account (of another address) that has not moved yet."""
    row = await db.scalar(
        select(LegacyAccount).where(
            func.lower(LegacyAccount.username) == username.strip().lower(), LegacyAccount.migrated_at.is_(None)
        )
    )
    return row is not None and row.email_normalized != email.strip().lower()
