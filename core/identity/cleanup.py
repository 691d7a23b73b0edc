"""Expiry clean-up run by ``portique worker``: spent action tokens and ended sessions.

Unconfirmed registrations are kept (and audited): registering again with the same address sends
a fresh confirmation link, so an expired one never blocks anybody.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from core.db.base import utcnow
from core.identity.models import ActionToken
from core.portal import Portal
from core.sessions.models import SessionRecord

KEEP_SPENT_TOKENS = timedelta(days=30)
"""Expired tokens are kept this long, so a late click still gets the "expired" page, not "unknown"."""


async def purge_expired(portal: Portal) -> dict[str, int]:
    """Delete tokens expired for more than ``KEEP_SPENT_TOKENS`` and expired database sessions."""
    now = utcnow()
    async with portal.database.session() as db:
        tokens = await db.execute(delete(ActionToken).where(ActionToken.expires_at < now - KEEP_SPENT_TOKENS))
        sessions = await db.execute(delete(SessionRecord).where(SessionRecord.expires_at < now))
        await db.commit()
    return {"tokens": int(getattr(tokens, "rowcount", 0) or 0), "sessions": int(getattr(sessions, "rowcount", 0) or 0)}
