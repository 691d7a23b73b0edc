"""Mail delivery: SMTP against a real local server (aiosmtpd), retries with back-off, the file backend."""

from __future__ import annotations

import email
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.db.base import utcnow
from core.identity import flows
from core.mail.backends import FileBackend, SmtpBackend
from core.mail.models import OutboxMessage
from core.mail.worker import backoff, deliver_pending
from core.testing import mail_text


class Recorder:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, recorder
    controller.stop()


async def test_reset_mail_goes_through_a_real_smtp_server(tenant, make_user, portal, smtp_server):
    controller, recorder = smtp_server
    user = await make_user(tenant, locale="fr")
    portal.settings.smtp_host = "127.0.0.1"
    portal.settings.smtp_port = controller.port
    portal.settings.smtp_starttls = False
    portal.mail_backend = SmtpBackend(portal.settings)
    async with portal.database.session(tenant.id) as db:
        await flows.send_password_reset(db, tenant, await db.get(type(user), user.id))
        await db.commit()
    assert await deliver_pending(portal) == 1
    assert len(recorder.messages) == 1
    _, recipients, raw = recorder.messages[0]
    assert recipients == ["ada@example.com"]
    message = email.message_from_bytes(raw)
    assert message["Content-Language"] == "fr"
    assert "Choisissez un nouveau mot de passe" in str(
        email.header.make_header(email.header.decode_header(message["Subject"]))
    )
    text = mail_text(message)
    assert "/password/reset/" in text
    assert "1\xa0heure" in text
    kinds = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= kinds


async def test_unreachable_server_is_retried_with_back_off(tenant, make_user, portal):
    user = await make_user(tenant)
    portal.settings.smtp_host = "127.0.0.1"
    portal.settings.smtp_port = _free_port()
    portal.settings.smtp_starttls = False
    portal.mail_backend = SmtpBackend(portal.settings)
    async with portal.database.session(tenant.id) as db:
        await flows.send_confirmation(db, tenant, await db.get(type(user), user.id))
        await db.commit()
    assert await deliver_pending(portal) == 0
    async with portal.database.session() as db:
        row = await db.scalar(select(OutboxMessage))
    assert row.status == "queued"
    assert row.attempts == 1
    assert row.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert row.last_error
    assert backoff(1) < backoff(3) <= timedelta(hours=1)


async def test_file_backend_writes_eml_per_tenant(tenant, make_user, portal, tmp_path):
    user = await make_user(tenant)
    portal.mail_backend = FileBackend(tmp_path / "mail")
    async with portal.database.session(tenant.id) as db:
        await flows.send_confirmation(db, tenant, await db.get(type(user), user.id))
        await db.commit()
    assert await deliver_pending(portal) == 1
    files = list((tmp_path / "mail" / "acme").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes())
    assert "/confirm/" in mail_text(message)


async def test_file_backend_never_shows_half_a_message(tmp_path, monkeypatch):
    """A watcher of the folder sees an ``.eml`` only once it is whole (written aside, then renamed)."""
    from email.message import EmailMessage
    from pathlib import Path

    seen_while_writing: list[str] = []
    write_bytes = Path.write_bytes

    def write_in_two_halves(path: Path, data: bytes) -> int:
        with path.open("wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            seen_while_writing.extend(p.name for p in path.parent.glob("*.eml"))
            handle.write(data[len(data) // 2 :])
        return len(data)

    monkeypatch.setattr(Path, "write_bytes", write_in_two_halves)
    message = EmailMessage()
    message["X-Portique-Id"] = "7"
    message.set_content("Confirm: https://acme.example/confirm/abc\n" * 20)
    await FileBackend(tmp_path).deliver(message, folder="acme")
    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    assert seen_while_writing == []
    [written] = (tmp_path / "acme").iterdir()
    assert written.suffix == ".eml"
    assert "/confirm/abc" in written.read_text()


async def test_expiry_clean_up_purges_old_tokens_and_sessions(tenant, make_user, portal, tenant_client, time_machine):
    from datetime import UTC, datetime

    from core.identity.cleanup import purge_expired
    from core.identity.models import ActionToken
    from core.sessions.models import SessionRecord
    from tests.core.identity.identity_helpers import sign_in

    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    user = await make_user(tenant)
    async with portal.database.session(tenant.id) as db:
        await flows.send_password_reset(db, tenant, await db.get(type(user), user.id))
        await db.commit()
    await sign_in(tenant_client(tenant), "ada@example.com")
    assert await purge_expired(portal) == {"tokens": 0, "sessions": 0}
    time_machine.move_to(start + timedelta(days=31), tick=False)
    assert await purge_expired(portal) == {"tokens": 1, "sessions": 1}
    async with portal.database.session() as db:
        assert await db.scalar(select(ActionToken)) is None
        assert await db.scalar(select(SessionRecord)) is None
