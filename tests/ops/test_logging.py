"""A log line per delivered mail and per job run, with millisecond timestamps."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.jobs import run_due_jobs
from core.mail.models import OutboxMessage
from core.mail.worker import deliver_pending, recipient_domain
from core.periodic import PeriodicJob
from core.web.observability import PLAIN_FORMAT, JsonFormatter


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """What Portique logs during the test (its logger does not propagate to pytest's)."""
    caught: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record)

    handler = Catch(logging.INFO)
    logger = logging.getLogger("portique")
    logger.addHandler(handler)
    try:
        yield caught
    finally:
        logger.removeHandler(handler)


def test_the_recipient_is_logged_with_its_domain_only():
    assert recipient_domain("marie.tremblay@videotron.example") == "***@videotron.example"
    assert recipient_domain("not an address") == "***"


async def test_a_delivered_mail_logs_its_outbox_id_masked_recipient_and_duration(portal, make_tenant, records):
    tenant = await make_tenant("logs")
    async with portal.database.session() as db:
        sent = OutboxMessage(
            tenant_id=tenant.id,
            template="t",
            sender="a@example.com",
            recipient="jean@client.example",
            subject="s",
            text_body="b",
        )
        refused = OutboxMessage(
            tenant_id=tenant.id, template="t", sender="a@example.com", recipient="nobody", subject="s", text_body="b"
        )
        db.add_all([sent, refused])
        await db.commit()
    assert await deliver_pending(portal) == 1
    mail = {record.outbox_id: record for record in records if record.name == "portique.mail"}  # type: ignore[attr-defined]
    assert set(mail) == {sent.id, refused.id}
    line = mail[sent.id]
    assert line.levelno == logging.INFO
    assert line.getMessage().startswith(f"mail {sent.id} sent to ***@client.example in ")
    assert (line.tenant, line.recipient, line.outcome) == ("logs", "***@client.example", "sent")  # type: ignore[attr-defined]
    assert line.duration_ms >= 0  # type: ignore[attr-defined]
    assert "jean" not in json.dumps(JsonFormatter().format(line))
    assert mail[refused.id].outcome == "failed"  # type: ignore[attr-defined]
    assert mail[refused.id].levelno == logging.WARNING


async def test_each_job_run_logs_its_name_outcome_and_duration(portal, time_machine, records):
    time_machine.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)

    async def quiet(_portal):
        return None

    async def broken(_portal):
        raise RuntimeError("boom")

    jobs = [PeriodicJob("quiet", timedelta(minutes=1), quiet), PeriodicJob("broken", timedelta(minutes=1), broken)]
    await run_due_jobs(portal, jobs, {})
    runs = {record.job: record for record in records if record.name == "portique.worker"}  # type: ignore[attr-defined]
    assert runs["quiet"].getMessage().startswith("job quiet ok in ")
    assert runs["quiet"].outcome == "ok"  # type: ignore[attr-defined]
    assert runs["broken"].outcome == "failed"  # type: ignore[attr-defined]
    assert runs["broken"].levelno == logging.ERROR
    assert runs["broken"].exc_info is not None
    for record in runs.values():
        payload = json.loads(JsonFormatter().format(record))
        assert payload["job"] == record.job  # type: ignore[attr-defined]
        assert isinstance(payload["duration_ms"], float)


def test_timestamps_have_milliseconds():
    record = logging.LogRecord("portique.test", logging.INFO, __file__, 1, "hello", None, None)
    record.created = datetime(2026, 12, 2, 19, 31, 50, 123456, tzinfo=UTC).timestamp()
    record.msecs = 123.456
    assert json.loads(JsonFormatter().format(record))["time"] == "2026-12-02T19:31:50.123+00:00"
    from core.web.observability import configure_logging

    configure_logging(json_logs=False)
    handler = logging.getLogger("portique").handlers[0]
    assert handler.formatter is not None
    assert handler.formatter._fmt == PLAIN_FORMAT
    text = handler.formatter.format(record)
    assert ".123 INFO portique.test hello" in text
