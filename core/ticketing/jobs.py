"""Background work of the ticketing: storing SLA breaches as they happen (``portique tickets sla-check``)."""

from __future__ import annotations

import click
from sqlalchemy import select, update

from core.commands import make_portal, run
from core.db.base import utcnow
from core.metrics import SLA_BREACHES
from core.portal import Portal
from core.tenancy.models import Tenant
from core.ticketing.models import Ticket


async def record_breaches(portal: Portal, *, limit: int = 10_000) -> int:
    """Stamp ``sla_breached_at`` (the due time) on running tickets past due; returns how many."""
    now = utcnow()
    async with portal.database.session() as db:
        due = list(
            await db.execute(
                select(Ticket.id, Tenant.slug, Ticket.sla_due_at)
                .join(Tenant, Tenant.id == Ticket.tenant_id)
                .where(Ticket.sla_due_at < now, Ticket.sla_breached_at.is_(None))
                .order_by(Ticket.sort_due_at, Ticket.id)
                .limit(limit)
            )
        )
        stamped: list[str] = []
        for ticket_id, slug, due_at in due:
            result = await db.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.sla_breached_at.is_(None))
                .values(sla_breached_at=due_at)
            )
            if getattr(result, "rowcount", 1):  # another worker may have stamped it first
                stamped.append(slug)
        await db.commit()
    for slug in stamped:
        SLA_BREACHES.labels(slug).inc()
    return len(due)


@click.group("tickets")
def tickets_group() -> None:
    """Support tickets."""


@tickets_group.command("sla-check")
def sla_check() -> None:
    """Store the breach time of every ticket past its SLA target (run it every few minutes)."""
    portal = make_portal()
    count = run(portal, lambda: record_breaches(portal))
    click.echo(f"{count} ticket(s) newly past their SLA target")
