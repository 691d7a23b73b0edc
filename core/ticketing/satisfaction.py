"""Customer satisfaction: a one-click good / poor rating of a resolved ticket, through a signed link.

When a ticket is resolved, the customer's mail carries two links (good, poor) with a single-use
token (:mod:`core.identity.tokens`: 256-bit random, stored hashed, of this tenant, expiring after
:data:`RATING_VALID_FOR`). A click records the score at once and offers an optional comment;
sending the comment (or a change of mind) uses the token up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.tokens import issue_token
from core.ticketing.models import Ticket, TicketRating

RATING_PURPOSE = "ticket_rating"
RATING_VALID_FOR = timedelta(days=30)
MAX_COMMENT = 2000


async def rating_links(db: AsyncSession, ticket: Ticket) -> dict[str, str]:
    """The paths of the good and poor links of a newly resolved ticket (one fresh token for both)."""
    raw = await issue_token(db, RATING_PURPOSE, valid_for=RATING_VALID_FOR, payload={"ticket": ticket.id})
    return {"good": f"/tickets/rate/{raw}/good", "poor": f"/tickets/rate/{raw}/poor"}


async def record_rating(
    db: AsyncSession, ticket: Ticket, score: str, comment: str | None = None, *, request: Request | None = None
) -> TicketRating:
    """Store (or change) the ticket's rating; ``comment`` ``None`` keeps the one given before."""
    now = utcnow()
    rating = await db.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id))
    if rating is None:
        rating = TicketRating(ticket_id=ticket.id, score=score, category=ticket.category, created_at=now)
        db.add(rating)
    rating.score = score
    rating.agent_id = ticket.assignee_id
    rating.updated_at = now
    if comment is not None:
        rating.comment = comment.strip()[:MAX_COMMENT]
    audit(
        db,
        "ticket.rated",
        request=request,
        tenant_id=ticket.tenant_id,
        actor_type="user" if ticket.requester_user_id else "anonymous",
        actor_id=ticket.requester_user_id,
        subject_type="ticket",
        subject_id=ticket.reference,
        score=score,
        commented=bool(rating.comment),
    )
    await db.flush()
    return rating
