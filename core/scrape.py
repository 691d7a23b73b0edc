"""``/metrics``: every process's counters (``core.metrics``) with the gauges read from the database."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.db.base import utcnow
from core.mail.models import OutboxMessage
from core.metrics import REGISTRY, multiprocess_dir, sample_process
from core.portal import Portal
from core.tenancy.models import Tenant
from core.ticketing.models import Ticket


class _Families(Collector):
    """A collector handing out families computed beforehand (from the database)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


async def database_families(portal: Portal) -> list[Metric]:
    """The gauges read from the database: the outbox by status and age, tickets past their SLA target."""
    outbox = GaugeMetricFamily(
        "portique_outbox_messages", "Outbox messages by status (queued is the backlog)", labels=["status"]
    )
    oldest = GaugeMetricFamily("portique_outbox_oldest_queued_seconds", "Age of the oldest queued message")
    breached = GaugeMetricFamily(
        "portique_tickets_sla_breached", "Tickets that went past their SLA target, by tenant", labels=["tenant"]
    )
    async with portal.database.session() as db:
        by_status = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        counts: dict[str, int] = {str(row[0]): int(row[1]) for row in await db.execute(by_status)}
        first = await db.scalar(select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "queued"))
        per_tenant = (
            await db.execute(
                select(Tenant.slug, func.count(Ticket.id))
                .join(Tenant, Tenant.id == Ticket.tenant_id)
                .where(Ticket.sla_breached_at.is_not(None))
                .group_by(Tenant.slug)
            )
        ).all()
    for status in ("queued", "sent", "failed"):
        outbox.add_metric([status], counts.get(status, 0))
    oldest.add_metric([], max(0.0, (utcnow() - first).total_seconds()) if first is not None else 0.0)
    for slug, count in per_tenant:
        breached.add_metric([slug], count)
    return [outbox, oldest, breached]


def check_access(request: Request, token: str) -> None:
    """``/metrics`` answers on the operator host only, and with the bearer token when one is set."""
    state = request.scope.get("state", {})
    if state.get("tenant") is not None or state.get("unknown_tenant"):
        raise HTTPException(status_code=404)
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(status_code=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})


async def scrape(request: Request) -> Response:
    """``/metrics``: every process's counters added up, with the database's gauges."""
    portal = request.app.state.portal
    check_access(request, portal.settings.metrics_token)
    sample_process()
    database = CollectorRegistry()
    database.register(_Families(await database_families(portal)))
    folder = multiprocess_dir()
    if folder:
        combined = CollectorRegistry()
        MultiProcessCollector(combined, path=folder)  # type: ignore[no-untyped-call]
        body = generate_latest(combined)
    else:
        body = generate_latest(REGISTRY)
    return Response(body + generate_latest(database), media_type=CONTENT_TYPE_LATEST)
