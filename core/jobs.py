"""The worker: delivers the mail outbox and runs the periodic jobs plugins declare."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from core.db.base import utcnow
from core.mail.heartbeat import BEAT_EVERY, beat, worker_name
from core.mail.worker import BATCH, deliver_pending
from core.metrics import JOB_RUNS, sample_process
from core.periodic import PeriodicJob
from core.plugins import flatten
from core.portal import Portal

log = logging.getLogger("portique.worker")


async def run_once(portal: Portal) -> int:
    """``portique worker --once``: record a heartbeat, deliver what is due; return how many were sent."""
    await beat(portal, worker_name())
    return await deliver_pending(portal)


def periodic_jobs(portal: Portal) -> list[PeriodicJob]:
    """Every job the installed plugins declare, by name."""
    return sorted(flatten(portal.plugins.hook.portique_periodic_jobs()), key=lambda job: job.name)


async def run_due_jobs(portal: Portal, jobs: list[PeriodicJob], next_runs: dict[str, datetime]) -> None:
    """Run the jobs whose time has come; a failing job is logged and retried at its next turn."""
    now = utcnow()
    for job in jobs:
        if now < next_runs.get(job.name, now):
            continue
        next_runs[job.name] = now + job.every
        started = time.perf_counter()
        try:
            result = await job.run(portal)
        except Exception:
            JOB_RUNS.labels(job.name, "failed").inc()
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            extra = {"job": job.name, "outcome": "failed", "duration_ms": elapsed}
            log.exception("job %s failed in %.0f ms", job.name, elapsed, extra=extra)
        else:
            JOB_RUNS.labels(job.name, "ok").inc()
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            extra = {"job": job.name, "outcome": "ok", "duration_ms": elapsed}
            log.info("job %s ok in %.0f ms%s", job.name, elapsed, f": {result}" if result else "", extra=extra)


async def run_forever(portal: Portal, interval: float = 1.0) -> None:
    """Deliver the outbox every ``interval`` seconds (at once while a backlog lasts) and run the periodic jobs."""
    portal.activate()
    jobs = periodic_jobs(portal)
    next_runs: dict[str, datetime] = {}
    name = worker_name()
    next_beat: datetime | None = None
    while True:
        busy = False
        if next_beat is None or utcnow() >= next_beat:
            next_beat = utcnow() + BEAT_EVERY
            try:
                await beat(portal, name)
            except Exception:
                log.exception("recording the worker's heartbeat failed")
        try:
            busy = await deliver_pending(portal) >= BATCH  # a backlog: go on at once
        except Exception:
            log.exception("outbox delivery failed")
        await run_due_jobs(portal, jobs, next_runs)
        sample_process()  # the worker's resource gauges (portique worker --metrics-port)
        if not busy:
            await asyncio.sleep(interval)
