"""``portique mail-in --imap``: replies read from a real IMAP server (pymap's in-memory backend) land in
their ticket; handled messages are marked seen, a failing one stays unseen for the next poll."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from imap_tools import AND, MailBoxUnencrypted
from sqlalchemy import select

from core.mail.inbound.imap import ImapAccount, poll_once
from core.portal import Portal
from core.ticketing.inbound import take_in
from core.ticketing.models import TicketMessage
from core.ticketing.reply_address import reply_address
from core.ticketing.service import open_ticket

PYMAP = Path(sys.executable).parent / "pymap"
pytestmark = pytest.mark.skipif(not PYMAP.exists(), reason="pymap (a dev dependency) is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def imap_server() -> Iterator[ImapAccount]:
    """pymap's in-memory IMAP server on a free port, with one mailbox."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed command of the test environment
        [
            str(PYMAP),
            *("--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"),
            *("--demo-user", "support", "--demo-password", "imap-test-pass"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield ImapAccount(host="127.0.0.1", port=port, security="plain", username="support", password="imap-test-pass")
    finally:
        process.terminate()
        process.wait(timeout=10)


def deposit(account: ImapAccount, message: EmailMessage) -> None:
    with MailBoxUnencrypted(account.host, account.port or 143).login(account.username, account.password) as box:
        box.append(bytes(message), "INBOX")


def unseen(account: ImapAccount) -> int:
    with MailBoxUnencrypted(account.host, account.port or 143).login(account.username, account.password) as box:
        return len(list(box.fetch(AND(seen=False), mark_seen=False)))


async def test_replies_are_polled_from_imap_and_threaded(portal: Portal, alpha: Any, imap_server: ImapAccount) -> None:
    category = next(c for c in portal.categories(alpha) if c.anonymous)
    async with portal.database.session(alpha.id) as db:
        ticket = await open_ticket(
            db,
            alpha,
            category,
            subject="Invoice",
            body="Where?",
            fields={},
            files=[],
            email="ann@c.example",
            name="Ann",
            locale="en",
        )
        await db.commit()
    message = EmailMessage()
    message["From"] = "Ann <ann@c.example>"
    message["To"] = reply_address(alpha, ticket.id, "ann@c.example")  # the mailbox got it (Delivered-To/To)
    message["Subject"] = "Re: Invoice"
    message.set_content("Found it, thanks.\n\nOn Wed, Dec 2, 2026, Alpha <support@alpha.localhost> wrote:\n> Where?\n")
    deposit(imap_server, message)

    async def handler(raw: bytes, sender: str | None, recipients: list[str] | None) -> None:
        await take_in(portal, raw, sender, recipients)

    assert await poll_once(imap_server, handler) == 1
    async with portal.database.session(alpha.id) as db:
        bodies = list(
            await db.scalars(
                select(TicketMessage.body).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
            )
        )
    assert bodies == ["Where?", "Found it, thanks."]
    assert unseen(imap_server) == 0
    assert await poll_once(imap_server, handler) == 0  # nothing taken twice


async def test_a_message_whose_handling_fails_stays_unseen(imap_server: ImapAccount) -> None:
    message = EmailMessage()
    message["From"] = "ann@c.example"
    message["To"] = "support@alpha.localhost"
    message.set_content("hello")
    deposit(imap_server, message)

    async def failing(raw: bytes, sender: str | None, recipients: list[str] | None) -> None:
        raise ConnectionError("database away")

    assert await poll_once(imap_server, failing) == 0
    assert unseen(imap_server) == 1
