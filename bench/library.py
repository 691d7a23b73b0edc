"""OMICRON technical library search at 2,000 and 100,000 documents (in-process query time, SQLite)."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

SEARCHES: tuple[dict[str, str], ...] = (
    {},
    {"family": "cmc"},
    {"topic": "cables", "language": "de"},
    {"q": "transformers"},
    {"q": "cpc guide", "type": "manual"},
    {"family": "franeo", "page": "7"},
    {"q": "breakers", "language": "fr", "page": "3"},
)


async def measure_library(size: int, rounds: int) -> tuple[float, float]:
    """(p50, p99) in ms of library searches over ``size`` generated documents, in a throw-away SQLite file."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from core.api import Base
    from core.plugins import PluginManager
    from core.settings import Settings
    from core.tenancy.service import create_tenant
    from core.wiring import build_portal
    from plugins.omicron_registration.importers import ensure_documents
    from plugins.omicron_registration.library import LibraryQuery, search_documents

    folder = Path(tempfile.mkdtemp(prefix="omicron-bench-"))
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    plugins = PluginManager()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await engine.dispose()
    portal = build_portal(Settings(database_url=url, var_dir=folder, secret_key="bench-" + "0" * 32), plugins)
    portal.activate()
    async with portal.database.session() as db:
        tenant = await create_tenant(db, plugins, slug="omicron", name="Bench", plugins=["omicron_registration"])
        await db.commit()
    async with portal.database.session(tenant.id) as db:
        await ensure_documents(db, tenant.id, size)
        await db.commit()
    timings: list[float] = []
    async with portal.database.session(tenant.id) as db:
        for _ in range(rounds):
            for params in SEARCHES:
                start = time.perf_counter()
                await search_documents(db, LibraryQuery.from_params(params), tenant.id)
                timings.append((time.perf_counter() - start) * 1000)
    await portal.database.dispose()
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.99) - 1)]


def library_timings(sizes: tuple[int, ...] = (2_000, 100_000), rounds: int = 30) -> list[tuple[int, float, float]]:
    """(size, p50 ms, p99 ms) of the search mix for each library size."""
    return [(size, *asyncio.run(measure_library(size, rounds))) for size in sizes]
