"""The console's ticket queue over 1,000,000 tickets on 4 tenants (PostgreSQL, in-process query time).

It times the very query the console runs (``core.console.tickets.queue_query``): the first page, and a
page 10,000 pages deep reached by its keyset cursor, and the same first page on the empty table for scale.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import timedelta
from typing import Any

from bench.infra import database

PAGE = 50
DEEP_PAGES = 10_000
CHUNK = 5_000
STATUSES = ("new", "open", "waiting", "open", "new")


async def _time(portal: Any, tenant_ids: list[int], filters: dict[str, str], rounds: int) -> tuple[float, float]:
    from core.console.tickets import queue_query
    from core.db.base import utcnow
    from core.staff.models import Staff

    staff = Staff(id=0, email="bench@example.com", name="bench", role="operator")
    timings: list[float] = []
    async with portal.database.session() as db:
        for _ in range(rounds):
            started = time.perf_counter()
            rows = list(await db.scalars(queue_query(tenant_ids, filters, staff, utcnow()).limit(PAGE + 1)))
            timings.append((time.perf_counter() - started) * 1000)
            assert len(rows) <= PAGE + 1
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.99) - 1)]


async def _seed(portal: Any, tenant_ids: list[int], total: int) -> None:
    from sqlalchemy import text

    from core.db.base import utcnow
    from core.ticketing.models import Ticket

    now = utcnow()
    async with portal.database.session() as db:
        for start in range(0, total, CHUNK):
            rows = [
                {
                    "tenant_id": tenant_ids[n % len(tenant_ids)],
                    "reference": f"BEN-{n:08d}",
                    "category": "general",
                    "subject": f"Bench request {n}",
                    "status": STATUSES[n % len(STATUSES)],
                    "requester_email": f"customer{n}@example.com",
                    "fields": {},
                    "sort_due_at": now + timedelta(minutes=(n * 7919) % 500_000),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(start, min(total, start + CHUNK))
            ]
            await db.execute(Ticket.__table__.insert(), rows)
        await db.commit()
        await db.execute(text("ANALYZE ticketing_tickets"))  # as autovacuum would after such a load
        await db.commit()


async def _deep_cursor(portal: Any, tenant_ids: list[int]) -> str:
    from core.console.tickets import encode_cursor, queue_query
    from core.db.base import utcnow
    from core.staff.models import Staff

    staff = Staff(id=0, email="bench@example.com", name="bench", role="operator")
    async with portal.database.session() as db:
        query = queue_query(tenant_ids, {}, staff, utcnow()).offset(PAGE * DEEP_PAGES - 1).limit(1)
        row = (await db.scalars(query)).first()
    return encode_cursor(row) if row is not None else ""


async def _measure(url: str, var_dir: Any, total: int, rounds: int) -> list[tuple[str, float, float]]:
    from sqlalchemy import select

    from core.plugins import PluginManager
    from core.settings import Settings
    from core.tenancy.models import Tenant
    from core.wiring import build_portal

    portal = build_portal(Settings(database_url=url, var_dir=var_dir, secret_key="bench-" + "0" * 32), PluginManager())
    portal.activate()
    async with portal.database.session() as db:
        tenant_ids = list(await db.scalars(select(Tenant.id).order_by(Tenant.id)))
    results = [("empty table, first page", *await _time(portal, tenant_ids, {}, rounds))]
    await _seed(portal, tenant_ids, total)
    results.append((f"{total:,} tickets, first page", *await _time(portal, tenant_ids, {}, rounds)))
    cursor = await _deep_cursor(portal, tenant_ids)
    deep = f"{total:,} tickets, page {DEEP_PAGES:,} (keyset)"
    results.append((deep, *await _time(portal, tenant_ids, {"after": cursor}, rounds)))
    results.append((f"{total:,} tickets, one tenant, first page", *await _time(portal, tenant_ids[:1], {}, rounds)))
    await portal.database.dispose()
    return results


def queue_timings(postgres_server: str, total: int = 1_000_000, rounds: int = 30) -> list[tuple[str, float, float]]:
    """(scenario, p50 ms, p99 ms) of the console queue query on a throw-away PostgreSQL database."""
    with database("postgresql", 4, postgres_server) as db:
        return asyncio.run(_measure(db.url, db.var_dir, total, rounds))
