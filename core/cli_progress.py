"""Progress lines for long commands: one line per step with its duration, and a tick while it runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click

TICK_SECONDS = 1.5  # a step that takes longer says it is still running this often


@asynccontextmanager
async def step(label: str, *, tick: float = TICK_SECONDS) -> AsyncIterator[None]:
    """Print ``label … done in 1.2 s`` around the block (on stderr), with ``… still`` lines meanwhile."""
    started = time.monotonic()
    click.echo(f"{label} …", err=True)

    async def ticker() -> None:
        while True:
            await asyncio.sleep(tick)
            click.echo(f"{label} … still running ({time.monotonic() - started:.0f} s)", err=True)

    task = asyncio.create_task(ticker())
    try:
        yield
    finally:
        task.cancel()
    click.echo(f"{label}: done in {time.monotonic() - started:.1f} s", err=True)
