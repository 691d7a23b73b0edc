"""Look-ups of the portal's Vidéotron accounts: who is registered as an account's holder."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account, ActionToken, Membership, Role, User, UserStatus, utcnow
from plugins.videotron_business.models import HolderRegistration
from plugins.videotron_business.rules import ACTIVATION_VALID_FOR


async def holder_of(db: AsyncSession, number: str) -> User | None:
    """The portal user registered as holder of the account, if any.

    A registration whose confirmation link expired unused frees the place (it is removed).
    """
    row = (
        await db.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Account, Account.id == Membership.account_id)
            .where(Account.number == number, Membership.role == Role.HOLDER)
        )
    ).first()
    if row is None:
        return None
    user: User = row[0]
    if user.status == UserStatus.PENDING_EMAIL and user.created_at + ACTIVATION_VALID_FOR <= utcnow():
        await db.execute(delete(HolderRegistration).where(HolderRegistration.user_id == user.id))
        await db.execute(delete(ActionToken).where(ActionToken.user_id == user.id))
        await db.execute(delete(Membership).where(Membership.user_id == user.id))
        await db.execute(delete(User).where(User.id == user.id))
        db.expunge(user)
        return None
    return user
