"""Console page of customer satisfaction: the share of good ratings per tenant, category and agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_percent
from sqlalchemy import case, func, select
from starlette.requests import Request
from starlette.responses import Response

from core.console.language import tenant_words
from core.i18n import current_locale
from core.i18n import gettext as _
from core.portal import get_portal
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.ticketing.models import RatingScore, Ticket, TicketRating
from core.web.rendering import render

RECENT = 20


@dataclass(frozen=True)
class Score:
    """One line of a table: what is rated, how many good and poor ratings, the share of good ones."""

    label: str
    good: int
    total: int

    @property
    def poor(self) -> int:
        """Poor ratings."""
        return self.total - self.good

    @property
    def share(self) -> str:
        """The share of good ratings, as the reader's locale writes a percentage."""
        return format_percent(self.good / self.total if self.total else 0, locale=current_locale())


def _good() -> Any:
    return func.sum(case((TicketRating.score == RatingScore.GOOD.value, 1), else_=0))


async def satisfaction(request: Request) -> Response:
    """``/console/satisfaction``: scores of the staff member's tenants, and the latest comments."""
    allowed: list[int] = request.state.staff_tenants
    scoped = TicketRating.tenant_id.in_(allowed)
    portal = get_portal()
    async with portal.database.session() as db:
        tenants = {t.id: t for t in await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)))}
        by_tenant = (
            await db.execute(
                select(TicketRating.tenant_id, _good(), func.count()).where(scoped).group_by(TicketRating.tenant_id)
            )
        ).all()
        by_category = (
            await db.execute(
                select(TicketRating.tenant_id, TicketRating.category, _good(), func.count())
                .where(scoped)
                .group_by(TicketRating.tenant_id, TicketRating.category)
            )
        ).all()
        by_agent = (
            await db.execute(
                select(TicketRating.agent_id, _good(), func.count()).where(scoped).group_by(TicketRating.agent_id)
            )
        ).all()
        agents = {s.id: s.name for s in await db.scalars(select(Staff).where(Staff.id.in_([a for a, *_ in by_agent])))}
        recent = (
            await db.execute(
                select(TicketRating, Ticket.reference)
                .join(Ticket, Ticket.id == TicketRating.ticket_id)
                .where(scoped, TicketRating.comment != "")
                .order_by(TicketRating.updated_at.desc(), TicketRating.id.desc())
                .limit(RECENT)
            )
        ).all()
    categories: dict[tuple[int, str], str] = {}
    for tenant in tenants.values():
        with tenant_words(tenant):
            for category in portal.categories(tenant):
                categories[(tenant.id, category.code)] = str(category.name)
    name = {tid: t.name for tid, t in tenants.items()}
    return await render(
        request,
        "console/satisfaction.html",
        {
            "by_tenant": sorted((Score(name.get(t, "–"), int(g or 0), n) for t, g, n in by_tenant), key=_order),
            "by_category": sorted(
                (
                    Score(f"{name.get(t, '–')} – {categories.get((t, c), c)}", int(g or 0), n)
                    for t, c, g, n in by_category
                ),
                key=_order,
            ),
            "by_agent": sorted(
                (
                    Score(agents.get(a, _("Unassigned")) if a is not None else _("Unassigned"), int(g or 0), n)
                    for a, g, n in by_agent
                ),
                key=_order,
            ),
            "recent": recent,
            "names": name,
        },
    )


def _order(score: Score) -> tuple[str]:
    return (score.label.casefold(),)
