"""Worker heartbeats: queued mail with no worker seen for a minute is logged and reported by /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from core.jobs import run_forever, run_once
from core.mail import heartbeat
from core.mail.heartbeat import beat, warn_if_stalled, worker_name
from core.mail.models import OutboxMessage, WorkerHeartbeat

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """The warnings Portique's mail logger writes during the test."""
    caught: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    handler = Catch(logging.WARNING)
    logger = logging.getLogger("portique.mail")
    logger.addHandler(handler)
    try:
        yield caught
    finally:
        logger.removeHandler(handler)


async def _queue_mail(portal, count: int = 1) -> None:
    async with portal.database.session() as db:
        db.add_all(
            OutboxMessage(
                template="t", sender="a@example.com", recipient=f"r{n}@example.com", subject="s", text_body="b"
            )
            for n in range(count)
        )
        await db.commit()


async def _readyz(app) -> dict[str, object]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        response = await client.get("/readyz")
    assert response.status_code == 200, "a missing worker is reported, never a reason to stop serving pages"
    return response.json()


async def test_queued_mail_and_no_worker_ever_seen_is_reported(app, portal, warnings, time_machine):
    time_machine.move_to(T0, tick=False)
    assert (await _readyz(app))["worker"] == "idle", "nothing queued: no worker needed yet"
    assert not (await warn_if_stalled(portal)).stalled
    await _queue_mail(portal, 3)
    ready = await _readyz(app)
    assert ready == {"status": "ok", "database": "ok", "worker": "missing", "worker_seen": None, "queued_mail": 3}
    assert (await warn_if_stalled(portal)).stalled
    assert warnings == ["3 mail(s) queued and no worker seen for a minute (last seen: never): run `portique worker`"]


async def test_a_worker_counts_as_seen_for_a_minute_after_its_last_heartbeat(app, portal, warnings, time_machine):
    time_machine.move_to(T0, tick=False)
    await beat(portal, "old-machine:1")
    time_machine.move_to(T0 + timedelta(seconds=30), tick=False)
    await beat(portal, "mail-host:42")
    await _queue_mail(portal)
    time_machine.move_to(T0 + timedelta(seconds=90), tick=False)  # 60 s after the newest heartbeat
    assert (await _readyz(app))["worker"] == "ok"
    assert (await _readyz(app))["worker_seen"] == "2026-12-02T09:00:30+00:00"
    assert not (await warn_if_stalled(portal)).stalled
    time_machine.move_to(T0 + timedelta(seconds=91), tick=False)
    assert (await _readyz(app))["worker"] == "missing"
    await warn_if_stalled(portal)
    assert warnings == [
        "1 mail(s) queued and no worker seen for a minute (last seen: 2026-12-02T09:00:30+00:00): run `portique worker`"
    ]


async def test_a_heartbeat_is_one_row_per_worker_and_gone_workers_are_forgotten(portal, time_machine):
    time_machine.move_to(T0, tick=False)
    await beat(portal, "a:1")
    await beat(portal, "b:2")
    time_machine.move_to(T0 + timedelta(hours=25), tick=False)
    await beat(portal, "b:2")
    async with portal.database.session() as db:
        rows = {row.worker: row for row in await db.scalars(select(WorkerHeartbeat))}
    assert set(rows) == {"b:2"}
    assert rows["b:2"].started_at == T0
    assert rows["b:2"].seen_at == T0 + timedelta(hours=25)


async def test_the_worker_loop_and_worker_once_record_their_heartbeat(portal):
    await run_once(portal)
    task = asyncio.create_task(run_forever(portal, interval=3600))
    try:
        for _ in range(100):
            async with portal.database.session() as db:
                rows = list(await db.scalars(select(WorkerHeartbeat)))
            if rows:
                break
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert [row.worker for row in rows] == [worker_name()]


async def test_a_web_process_without_an_in_process_worker_logs_the_warning(app, portal, warnings, monkeypatch):
    monkeypatch.setattr(heartbeat, "WATCH_EVERY", 0.02)
    await _queue_mail(portal)
    async with app.router.lifespan_context(app):
        for _ in range(100):
            if warnings:
                break
            await asyncio.sleep(0.02)
    assert warnings
    assert warnings[0].startswith("1 mail(s) queued and no worker seen for a minute")
