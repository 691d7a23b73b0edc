"""``python -m bench.inprocess``: signed-in pages driven through the ASGI app in this process, profiled.

No HTTP server and no load generator: ``--requests`` requests per page go through the application
with httpx's ASGI transport, one at a time, under pyinstrument (``--profile cprofile``: cProfile, with
the Python calls per request, steadier than time on a shared machine; ``none``). For
each page it prints the CPU milliseconds per request and, per request, the SQL statements, the
database connections checked out of the pool and the transactions begun, then the profile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

import httpx
from sqlalchemy import event

from bench.infra import DEFAULT_POSTGRES, database
from bench.providers import PROVIDER_PAGES, cookie_in
from bench.run import TICKETS

PAGES: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "dashboard": ("/", ("session_cookie",), None),
    "tickets": ("/tickets", ("session_cookie",), None),
    **{page.key: (page.path, ("providers", page.portal.plugin), page.portal.slug) for page in PROVIDER_PAGES},
}
"""Page name -> (path, keys of its session cookie in the seed, tenant slug; None: the first bench tenant)."""


async def _drive(names: list[str], seed: dict[str, Any], requests: int, profile: str, sort: str = "tottime") -> None:
    from core.app import create_app

    app = create_app(access_log=False)
    engine = app.state.portal.database.sync_engine
    counts = {"statements": 0, "checkouts": 0, "begins": 0}

    def bump(key: str) -> Any:
        def listener(*_: Any) -> None:
            counts[key] += 1

        return listener

    event.listen(engine, "before_cursor_execute", bump("statements"))
    event.listen(engine.pool, "checkout", bump("checkouts"))
    event.listen(engine, "begin", bump("begins"))
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        for name in names:
            path, cookie_keys, slug = PAGES[name]
            cookie = cookie_in(seed, cookie_keys)
            host = f"{slug or seed['tenants'][0]}.localhost"
            headers = {"Cookie": f"portique_session={cookie}"}
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
                for _ in range(5):  # warm the per-tenant caches
                    assert (await client.get(path, headers=headers)).status_code == 200
                await app.state.portal.registry.refresh(force=True)
                profiler: Any = None
                if profile == "pyinstrument":
                    from pyinstrument import Profiler

                    profiler = Profiler(interval=0.0002, async_mode="enabled")
                    profiler.start()
                elif profile == "cprofile":
                    import cProfile

                    profiler = cProfile.Profile()
                    profiler.enable()
                before, cpu = dict(counts), time.process_time()
                for _ in range(requests):
                    await client.get(path, headers=headers)
                cpu = time.process_time() - cpu
                if profiler is not None:
                    profiler.disable() if profile == "cprofile" else profiler.stop()
                per = {k: (counts[k] - before[k]) / requests for k in counts}
                print(
                    f"{name}: {cpu * 1000 / requests:.2f} ms CPU per request; per request "
                    f"{per['statements']:.2f} statements, {per['checkouts']:.2f} connections checked out, "
                    f"{per['begins']:.2f} transactions begun"
                )
                if profile == "pyinstrument":
                    print(profiler.output_text(unicode=True, color=False, show_all=False))
                elif profile == "cprofile":
                    import pstats

                    stats = pstats.Stats(profiler)
                    print(f"{stats.total_calls / requests:,.0f} Python calls per request")  # type: ignore[attr-defined]
                    stats.sort_stats(sort).print_stats(25)


def main() -> None:
    """Seed a throw-away database, then drive and profile the chosen pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default=os.environ.get("PORTIQUE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--pages", default="dashboard,tickets", help=f"among {', '.join(PAGES)}")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", choices=("pyinstrument", "cprofile", "none"), default="pyinstrument")
    parser.add_argument(
        "--sort", choices=("tottime", "cumulative", "ncalls"), default="tottime", help="cProfile's order"
    )
    args = parser.parse_args()
    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    with database(args.database, 4, args.postgres, tickets=TICKETS) as db:
        os.environ.update(db.env)
        asyncio.run(_drive(names, db.seed, args.requests, args.profile, args.sort))


if __name__ == "__main__":
    main()
