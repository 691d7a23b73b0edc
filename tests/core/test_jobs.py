"""The worker runs the periodic jobs plugins declare (portique_periodic_jobs), each at its interval."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.db.base import utcnow
from core.jobs import periodic_jobs, run_due_jobs, run_forever
from core.mail.models import OutboxMessage
from core.mail.worker import BATCH
from core.metrics import JOB_RUNS, SLA_BREACHES
from core.periodic import PeriodicJob
from core.ticketing.jobs import record_breaches
from core.ticketing.models import Ticket


async def test_default_plugins_declare_their_jobs(portal):
    names = [job.name for job in periodic_jobs(portal)]
    assert "identity.purge_expired" in names
    assert "ticketing.record_breaches" in names
    hook_answers = portal.plugins.hook.portique_periodic_jobs()
    assert sum(len(answer) for answer in hook_answers) == len(names)


async def test_jobs_run_at_their_interval_and_a_failure_does_not_stop_the_others(portal, time_machine, caplog):
    time_machine.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)
    runs: list[str] = []

    async def ok(_portal):
        runs.append("ok")
        return "did things"

    async def broken(_portal):
        runs.append("broken")
        raise RuntimeError("boom")

    jobs = [PeriodicJob("broken", timedelta(minutes=5), broken), PeriodicJob("ok", timedelta(minutes=1), ok)]
    next_runs: dict[str, datetime] = {}
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok"]
    time_machine.move_to(datetime(2026, 11, 26, 9, 1, tzinfo=UTC), tick=False)
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok", "ok"]
    time_machine.move_to(datetime(2026, 11, 26, 9, 5, tzinfo=UTC), tick=False)
    await run_due_jobs(portal, jobs, next_runs)
    assert runs == ["broken", "ok", "ok", "broken", "ok"]


async def test_a_backlog_is_delivered_without_waiting_between_batches(portal):
    """With a full batch the worker goes on at once (it used to wait its interval after every 50)."""
    async with portal.database.session() as db:
        db.add_all(
            OutboxMessage(
                template="t", sender="a@example.com", recipient=f"r{n}@example.com", subject="s", text_body="b"
            )
            for n in range(BATCH * 2 + 5)
        )
        await db.commit()
    worker = asyncio.create_task(run_forever(portal, interval=3600))
    try:
        for _ in range(200):
            async with portal.database.session() as db:
                left = await db.scalar(select(func.count()).where(OutboxMessage.status == "queued"))
            if not left:
                break
            await asyncio.sleep(0.05)
        assert left == 0
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


async def test_job_runs_are_counted_by_result(portal):
    async def ok(_portal):
        return None

    async def broken(_portal):
        raise RuntimeError("boom")

    before = {result: JOB_RUNS.labels("counted", result)._value.get() for result in ("ok", "failed")}
    await run_due_jobs(portal, [PeriodicJob("counted", timedelta(minutes=1), ok)], {})
    await run_due_jobs(portal, [PeriodicJob("counted", timedelta(minutes=1), broken)], {})
    assert JOB_RUNS.labels("counted", "ok")._value.get() == before["ok"] + 1
    assert JOB_RUNS.labels("counted", "failed")._value.get() == before["failed"] + 1


async def test_sla_breaches_are_counted_once_by_tenant_slug(portal, make_tenant):
    tenant = await make_tenant("acme")
    now = utcnow()
    async with portal.database.session() as db:
        for n, due in enumerate([now - timedelta(hours=1), now - timedelta(minutes=1), now + timedelta(hours=1)]):
            db.add(
                Ticket(
                    tenant_id=tenant.id,
                    reference=f"TKT-2026-00000{n}",
                    category="c",
                    subject="s",
                    requester_email="a@example.com",
                    sla_due_at=due,
                    sort_due_at=due,
                )
            )
        await db.commit()
    before = SLA_BREACHES.labels("acme")._value.get()
    assert await record_breaches(portal) == 2
    assert await record_breaches(portal) == 0
    assert SLA_BREACHES.labels("acme")._value.get() == before + 2
