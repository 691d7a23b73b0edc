"""``portique omicron …``: operator commands of the OMICRON Customer Area."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import click

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

    from core.api import Base, Portal
    from core.plugins import PluginManager
    from core.settings import Settings
    from core.tenancy.service import create_tenant

    from .content import LibraryQuery, search_documents
    from .registry import ensure_documents

    folder = Path(tempfile.mkdtemp(prefix="omicron-bench-"))
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    plugins = PluginManager()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await engine.dispose()
    portal = Portal(Settings(database_url=url, var_dir=folder, secret_key="bench-" + "0" * 32), plugins)
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


@click.group(name="omicron")
def omicron() -> None:
    """OMICRON Customer Area."""


@omicron.command(name="bench-library")
@click.option("--sizes", default="2000,100000", show_default=True, help="Library sizes, comma-separated.")
@click.option("--rounds", default=30, show_default=True, help="Rounds of the search mix per size.")
def bench_library(sizes: str, rounds: int) -> None:
    """Time the technical library search (filters, words, pages) and print p50 and p99 per library size."""
    for size in (int(s) for s in sizes.split(",") if s.strip()):
        p50, p99 = asyncio.run(measure_library(size, rounds))
        searches = rounds * len(SEARCHES)
        click.echo(f"library of {size:>7,} documents: p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  ({searches} searches)")
