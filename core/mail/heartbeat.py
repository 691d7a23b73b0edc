"""Worker heartbeats: each worker writes when it was last seen, so a web process can tell that queued
mail has nobody to deliver it.

A heartbeat is a row per worker process in the shared database (``worker_heartbeats``), so it works
with workers on other machines. Web processes read the newest one: mail queued while no worker has
been seen for :data:`STALE_AFTER` is logged as a warning and reported by ``/readyz``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from core.db.base import utcnow
from core.mail.models import OutboxMessage, WorkerHeartbeat
from core.portal import Portal

log = logging.getLogger("portique.mail")
BEAT_EVERY = timedelta(seconds=15)
STALE_AFTER = timedelta(minutes=1)
FORGET_AFTER = timedelta(days=1)  # rows of workers gone for this long are deleted
WATCH_EVERY = 60.0  # seconds between two checks by a web process


def worker_name() -> str:
    """``host:pid`` of this process: unique among the workers sharing one database."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


async def beat(portal: Portal, worker: str) -> None:
    """Record that ``worker`` is alive now (and forget the workers gone for a day)."""
    now = utcnow()
    async with portal.database.session() as db:
        seen = await db.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(seen_at=now))
        if not getattr(seen, "rowcount", 0):
            db.add(WorkerHeartbeat(worker=worker, started_at=now, seen_at=now))
        await db.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGET_AFTER))
        await db.commit()


@dataclass(frozen=True)
class OutboxWatch:
    """Queued mail and the newest worker heartbeat, as ``/readyz`` reports them."""

    queued: int
    worker_seen: datetime | None
    now: datetime

    @property
    def stalled(self) -> bool:
        """Mail waits and no worker has been seen for :data:`STALE_AFTER`."""
        return self.queued > 0 and (self.worker_seen is None or self.now - self.worker_seen > STALE_AFTER)

    def as_json(self) -> dict[str, object]:
        """The ``/readyz`` fields: ``worker`` is ``ok``, ``idle`` (nothing queued) or ``missing``."""
        recent = self.worker_seen is not None and self.now - self.worker_seen <= STALE_AFTER
        state = "missing" if self.stalled else ("ok" if recent else "idle")
        seen = self.worker_seen.isoformat(timespec="seconds") if self.worker_seen else None
        return {"worker": state, "worker_seen": seen, "queued_mail": self.queued}


async def watch(portal: Portal) -> OutboxWatch:
    """How much mail is queued, and when a worker was last seen."""
    async with portal.database.session() as db:
        queued = await db.scalar(select(func.count()).where(OutboxMessage.status == "queued"))
        seen = await db.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    return OutboxWatch(queued=int(queued or 0), worker_seen=seen, now=utcnow())


async def warn_if_stalled(portal: Portal) -> OutboxWatch:
    """Log a warning when mail is queued and no worker has been seen for a minute."""
    state = await watch(portal)
    if state.stalled:
        seen = state.worker_seen.isoformat(timespec="seconds") if state.worker_seen else "never"
        log.warning(
            "%s mail(s) queued and no worker seen for a minute (last seen: %s): run `portique worker`",
            state.queued,
            seen,
            extra={"outcome": "no_worker"},
        )
    return state


async def watch_forever(portal: Portal) -> None:
    """A web process's check, every :data:`WATCH_EVERY` seconds, that queued mail has a worker."""
    while True:
        await asyncio.sleep(WATCH_EVERY)
        try:
            await warn_if_stalled(portal)
        except Exception:
            log.exception("checking the outbox's workers failed")
