"""A ``portique worker`` killed mid-batch: nothing lost, at most the message in flight sent twice, same Message-ID."""

from __future__ import annotations

import asyncio
import email
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from core.db.base import utcnow
from core.mail.models import OutboxMessage
from tests.core.test_metrics_workers import _free_port, serve_env, stop

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 60


class SlowRecorder:
    """An SMTP server that keeps each message, then takes a moment to say so (the worker's kill lands then)."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content))
        await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    recorder = SlowRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, recorder
    controller.stop()


def queue(run_async, count: int) -> list[int]:
    """``count`` due messages in the outbox; their ids."""

    async def add(portal) -> list[int]:
        async with portal.database.session() as db:
            rows = [
                OutboxMessage(
                    template="test",
                    sender="Portique <no-reply@portals.example>",
                    recipient=f"customer{n}@example.com",
                    subject=f"Message {n}",
                    text_body=f"Body {n}",
                    created_at=utcnow(),
                )
                for n in range(count)
            ]
            db.add_all(rows)
            await db.commit()
            return [row.id for row in rows]

    return run_async(add)


def still_queued(run_async) -> int:
    async def count(portal) -> int:
        async with portal.database.session() as db:
            return int(await db.scalar(select(func.count()).where(OutboxMessage.status == "queued")) or 0)

    return run_async(count)


def start_worker(settings, port: int) -> subprocess.Popen[bytes]:
    env = serve_env(
        settings,
        PORTIQUE_MAIL_BACKEND="smtp",
        PORTIQUE_SMTP_HOST="127.0.0.1",
        PORTIQUE_SMTP_PORT=str(port),
        PORTIQUE_BASE_DOMAIN="portals.example",
    )
    return subprocess.Popen([sys.executable, "-m", "core.cli", "worker"], cwd=ROOT, env=env)


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_a_worker_killed_mid_batch_resends_at_most_the_message_in_flight(portique_settings, run_async, smtp):
    controller, recorder = smtp
    ids = queue(run_async, MESSAGES)
    first = start_worker(portique_settings, controller.port)
    try:
        wait_for(lambda: len(recorder.received) >= MESSAGES // 3, 60, "the first deliveries")
        first.send_signal(signal.SIGKILL)  # no goodbye: as a machine that loses power
        first.wait(timeout=10)
    finally:
        stop(first)
    killed_at = len(recorder.received)
    assert killed_at < MESSAGES, "the worker finished before it was killed"
    second = start_worker(portique_settings, controller.port)
    try:
        wait_for(lambda: still_queued(run_async) == 0, 120, "the rest of the outbox")
    finally:
        stop(second)

    by_row = Counter(int(message["X-Portique-Id"]) for message in recorder.received)
    assert set(by_row) == set(ids), "a message was lost"
    duplicates = {row: n for row, n in by_row.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= 1, duplicates
    message_ids: dict[int, set[str]] = {}
    for message in recorder.received:
        message_ids.setdefault(int(message["X-Portique-Id"]), set()).add(message["Message-ID"])
    assert all(len(found) == 1 for found in message_ids.values()), "a copy came with another Message-ID"
    assert len({next(iter(found)) for found in message_ids.values()}) == MESSAGES  # one Message-ID per row
    assert all(next(iter(found)).endswith("@portals.example>") for found in message_ids.values())
