"""Replies by e-mail: real mail sent over SMTP to the ``portique mail-in`` receiver lands in its ticket.

Threaded by the signed reply address and by In-Reply-To/References, quoted history and signatures
removed, attachments through the web form's checks, auto-replies, bounces, unknown senders, forged
and cross-tenant reply addresses kept in the quarantine instead.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import aiosmtplib
import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.mail.inbound.receiver import start_receiver
from core.mail.models import QuarantinedMail
from core.portal import Portal
from core.staff.accounts import create_staff
from core.storage import get_storage
from core.tenancy.models import Tenant
from core.ticketing.inbound import accepts, take_in
from core.ticketing.models import Ticket, TicketAttachment, TicketMessage, TicketStatus
from core.ticketing.reply_address import mail_domain, reply_address, reply_token
from core.ticketing.service import open_ticket, staff_set_status
from tests.core.ticketing.conftest import PDF, PNG

CUSTOMER = "ann@customer.example"
QUOTED = (
    "Here is the invoice you asked for.\n\n"
    "Best regards,\nAnn\n\n"
    "On Wed, Dec 2, 2026 at 10:00 AM Alpha <support@alpha.localhost> wrote:\n"
    "> Could you send us the invoice?\n> Thanks\n"
)


@pytest.fixture
async def receiver(portal: Portal) -> AsyncIterator[int]:
    """The mail-in SMTP receiver on a free port of this machine."""
    server = await start_receiver(
        functools.partial(take_in, portal), functools.partial(accepts, portal), host="127.0.0.1", port=0
    )
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
def open_one(portal: Portal, alpha: Tenant) -> Callable[..., Awaitable[Ticket]]:
    """``await open_one()``: a ticket of Ann's on alpha (an agent, Bob, is told)."""

    async def make(tenant: Tenant = alpha, email: str = CUSTOMER) -> Ticket:
        category = next(c for c in portal.categories(tenant) if c.anonymous)
        async with portal.database.session(tenant.id) as db:
            ticket = await open_ticket(
                db,
                tenant,
                category,
                subject="Invoice",
                body="Where is my invoice?",
                fields={},
                files=[],
                email=email,
                name="Ann",
                locale="en",
            )
            await db.commit()
        return ticket

    return make


@pytest.fixture
async def agent(portal: Portal, alpha: Tenant) -> Any:
    async with portal.database.session() as db:
        staff = await create_staff(
            db, email="bob@ops.test", name="Bob", password="x" * 16, role="agent", tenants=[alpha]
        )
        await db.commit()
    return staff


def compose(
    to: str,
    body: str = QUOTED,
    *,
    sender: str = CUSTOMER,
    files: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Ann <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: Invoice"
    message["Message-ID"] = "<reply-1@customer.example>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, content, mime in files:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


async def send(port: int, message: EmailMessage, *, mail_from: str | None = None) -> None:
    await aiosmtplib.send(message, hostname="127.0.0.1", port=port, sender=mail_from)


async def thread_of(portal: Portal, ticket: Ticket) -> list[TicketMessage]:
    async with portal.database.session(ticket.tenant_id) as db:
        return list(
            await db.scalars(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
            )
        )


async def quarantined(portal: Portal) -> list[QuarantinedMail]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(QuarantinedMail).order_by(QuarantinedMail.id)))


async def test_notification_carries_a_signed_reply_address_and_thread(
    portal: Portal, alpha: Tenant, agent: Any, open_one: Any, mailbox: Any
) -> None:
    ticket = await open_one()
    ack = await mailbox.last(CUSTOMER)
    reply_to = parseaddr(ack["Reply-To"])[1]
    assert reply_to == reply_address(alpha, ticket.id, CUSTOMER)
    assert reply_to.startswith("support+")
    assert reply_to.endswith("@alpha.localhost")
    assert ack["References"].startswith(f"<ticket.{ticket.id}.")
    assert ack["In-Reply-To"] == ack["References"]
    assert ack["Auto-Submitted"] == "auto-generated"
    to_agent = await mailbox.last("bob@ops.test")
    agent_address = parseaddr(to_agent["Reply-To"])[1]
    assert agent_address == reply_address(alpha, ticket.id, "bob@ops.test", staff_id=agent.id)
    assert agent_address != reply_to
    assert len(reply_to.split("@")[0]) <= 64  # RFC 5321's limit on a local part


async def test_customer_reply_by_mail_is_threaded_without_quote_with_attachments(
    portal: Portal, alpha: Tenant, open_one: Any, receiver: int
) -> None:
    ticket = await open_one()
    async with portal.database.session(alpha.id) as db:
        loaded = await db.get(Ticket, ticket.id)
        assert loaded is not None
        loaded.status = TicketStatus.WAITING
        await db.commit()
    to = reply_address(alpha, ticket.id, CUSTOMER)
    await send(receiver, compose(to, files=[("invoice.pdf", PDF, "application/pdf"), ("shot.png", PNG, "image/png")]))
    messages = await thread_of(portal, ticket)
    assert [(m.author_type, m.via) for m in messages] == [("customer", "web"), ("customer", "email")]
    assert messages[-1].body == "Here is the invoice you asked for."
    async with portal.database.session(alpha.id) as db:
        files = list(await db.scalars(select(TicketAttachment).where(TicketAttachment.message_id == messages[-1].id)))
        status = (await db.get(Ticket, ticket.id)).status  # type: ignore[union-attr]
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.customer_replied"))
        received = await db.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.mail_received"))
    assert sorted((f.filename, f.content_type) for f in files) == [
        ("invoice.pdf", "application/pdf"),
        ("shot.png", "image/png"),
    ]
    assert await get_storage().read(next(f for f in files if f.content_type == "image/png").storage_key) == PNG
    assert status == TicketStatus.OPEN  # the customer answered: the clock runs again
    assert event is not None
    assert event.data["via"] == "email"
    assert received is not None
    assert received.subject_id == ticket.reference
    assert received.data["attachments"] == 2


async def test_refused_attachment_is_not_stored_but_the_reply_is_and_the_mail_kept(
    portal: Portal, alpha: Tenant, open_one: Any, receiver: int
) -> None:
    ticket = await open_one()
    to = reply_address(alpha, ticket.id, CUSTOMER)
    page = b"<html><script>alert(1)</script></html>"
    await send(
        receiver,
        compose(to, "See attached.", files=[("x.html", page, "text/html"), ("ok.pdf", PDF, "application/pdf")]),
    )
    messages = await thread_of(portal, ticket)
    assert messages[-1].body == "See attached."
    async with portal.database.session(alpha.id) as db:
        names = list(await db.scalars(select(TicketAttachment.filename).where(TicketAttachment.ticket_id == ticket.id)))
    assert names == ["ok.pdf"]
    assert [q.reason for q in await quarantined(portal)] == ["attachment_refused"]


async def test_agent_reply_by_mail_goes_to_the_customer(
    portal: Portal, alpha: Tenant, agent: Any, open_one: Any, receiver: int, mailbox: Any
) -> None:
    ticket = await open_one()
    to = reply_address(alpha, ticket.id, agent.email, staff_id=agent.id)
    await send(receiver, compose(to, "We sent it again.\n\n-- \nBob\n", sender=agent.email))
    messages = await thread_of(portal, ticket)
    assert (messages[-1].author_type, messages[-1].author_staff_id, messages[-1].body) == (
        "staff",
        agent.id,
        "We sent it again.",
    )
    assert "We sent it again." in str((await mailbox.last(CUSTOMER)).get_body(("plain",)).get_content())  # type: ignore[union-attr]


async def test_reply_threads_by_references_when_the_reply_address_is_lost(
    portal: Portal, alpha: Tenant, open_one: Any, receiver: int, mailbox: Any
) -> None:
    ticket = await open_one()
    ack = await mailbox.last(CUSTOMER)
    # a client that answered to a plain address of the tenant's domain, keeping the thread headers
    await send(
        receiver,
        compose(
            "help@alpha.localhost",
            "Any news?",
            headers={"In-Reply-To": ack["Message-ID"], "References": ack["References"]},
        ),
    )
    assert (await thread_of(portal, ticket))[-1].body == "Any news?"
    # only the notification's own Message-ID (In-Reply-To) is enough too
    await send(receiver, compose("help@alpha.localhost", "Still waiting.", headers={"In-Reply-To": ack["Message-ID"]}))
    assert (await thread_of(portal, ticket))[-1].body == "Still waiting."
    # … but not from a stranger
    await send(
        receiver,
        compose(
            "help@alpha.localhost", "Let me in", sender="eve@evil.example", headers={"References": ack["References"]}
        ),
    )
    assert (await thread_of(portal, ticket))[-1].body == "Still waiting."
    assert [q.reason for q in await quarantined(portal)] == ["unknown_sender"]


@pytest.mark.parametrize(
    ("headers", "mail_from"),
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"Precedence": "bulk"}, None),
        ({"Precedence": "junk"}, None),
        ({"Precedence": "list"}, None),
        ({"X-Autoreply": "yes"}, None),
        ({}, ""),  # the null sender of a bounce
    ],
)
async def test_auto_replies_and_bounces_never_reach_the_ticket(
    portal: Portal,
    alpha: Tenant,
    open_one: Any,
    receiver: int,
    mailbox: Any,
    headers: dict[str, str],
    mail_from: str | None,
) -> None:
    ticket = await open_one()
    before = len(await mailbox.messages())
    to = reply_address(alpha, ticket.id, CUSTOMER)
    await send(receiver, compose(to, "I am out of office.", headers=headers), mail_from=mail_from)
    assert len(await thread_of(portal, ticket)) == 1
    assert [q.reason for q in await quarantined(portal)] == ["automatic"]
    assert len(await mailbox.messages()) == before  # nothing answered: no loop


async def test_delivery_status_notification_is_a_bounce(portal: Portal, alpha: Tenant, open_one: Any) -> None:
    ticket = await open_one()
    raw = (
        f"From: Mail Delivery System <mailer-daemon@mx.example>\r\nTo: {reply_address(alpha, ticket.id, CUSTOMER)}\r\n"
        "Subject: Undelivered\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n--b--\r\n"
    ).encode()
    outcome = await take_in(portal, raw, "mailer-daemon@mx.example", [reply_address(alpha, ticket.id, CUSTOMER)])
    assert (outcome.status, outcome.reason) == ("quarantined", "automatic")
    assert len(await thread_of(portal, ticket)) == 1


async def test_forged_and_foreign_reply_addresses_are_refused(
    portal: Portal, alpha: Tenant, beta: Tenant, open_one: Any, receiver: int
) -> None:
    ticket = await open_one()
    theirs = await open_one(beta, email=CUSTOMER)
    good = reply_token(alpha, ticket.id, CUSTOMER)
    forged = good[:-1] + ("a" if good[-1] != "a" else "b")
    guessed = f"{ticket.id:x}-c-{'a' * 26}"
    other_ticket = reply_token(alpha, theirs.id, CUSTOMER)  # alpha's signature on a beta ticket id
    for token in (forged, guessed, other_ticket, "not-a-token"):
        await send(receiver, compose(f"support+{token}@alpha.localhost", "forged"))
    # tenant isolation: a valid token of alpha sent to beta's domain
    await send(receiver, compose(f"support+{good}@{mail_domain(beta)}", "cross-tenant"))
    # a valid token from another sender
    await send(receiver, compose(f"support+{good}@alpha.localhost", "not Ann", sender="eve@evil.example"))
    assert len(await thread_of(portal, ticket)) == 1
    assert len(await thread_of(portal, theirs)) == 1
    rows = await quarantined(portal)
    assert [q.reason for q in rows] == ["forged_token"] * 5 + ["unknown_sender"]
    assert [q.tenant_id for q in rows] == [alpha.id] * 4 + [beta.id, alpha.id]
    assert await get_storage().read(rows[0].storage_key)  # the raw mail is kept for the operator


async def test_unknown_domain_is_refused_at_rcpt_and_unthreadable_mail_is_kept(
    portal: Portal, alpha: Tenant, open_one: Any, receiver: int
) -> None:
    await open_one()
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await send(receiver, compose("someone@elsewhere.example", "hello"))
    await send(receiver, compose("help@alpha.localhost", "A new question by mail"))
    assert [q.reason for q in await quarantined(portal)] == ["no_ticket"]
    async with portal.database.session(alpha.id) as db:
        assert len(list(await db.scalars(select(Ticket)))) == 1  # mail never opens a ticket


async def test_reply_to_a_closed_ticket_is_kept_not_threaded(
    portal: Portal, alpha: Tenant, agent: Any, open_one: Any, receiver: int
) -> None:
    ticket = await open_one()
    async with portal.database.session(alpha.id) as db:
        loaded = await db.get(Ticket, ticket.id)
        await staff_set_status(db, alpha, loaded, agent, TicketStatus.CLOSED)  # type: ignore[arg-type]
        await db.commit()
    await send(receiver, compose(reply_address(alpha, ticket.id, CUSTOMER), "One more thing"))
    assert len(await thread_of(portal, ticket)) == 1
    assert [q.reason for q in await quarantined(portal)] == ["ticket_closed"]


async def test_a_disabled_agent_can_no_longer_answer_by_mail(
    portal: Portal, alpha: Tenant, agent: Any, open_one: Any, receiver: int
) -> None:
    from core.staff.models import Staff

    ticket = await open_one()
    async with portal.database.session() as db:
        (await db.get(Staff, agent.id)).active = False  # type: ignore[union-attr]
        await db.commit()
    await send(
        receiver, compose(reply_address(alpha, ticket.id, agent.email, staff_id=agent.id), "hi", sender=agent.email)
    )
    assert len(await thread_of(portal, ticket)) == 1
    assert [q.reason for q in await quarantined(portal)] == ["unknown_sender"]


async def test_lmtp_delivery_from_the_mail_server_is_threaded(portal: Portal, alpha: Tenant, open_one: Any) -> None:
    import asyncio
    import smtplib

    ticket = await open_one()
    server = await start_receiver(
        functools.partial(take_in, portal), functools.partial(accepts, portal), host="127.0.0.1", port=0, lmtp=True
    )
    port = server.sockets[0].getsockname()[1]

    def deliver() -> None:
        with smtplib.LMTP("127.0.0.1", port) as client:
            client.send_message(compose(reply_address(alpha, ticket.id, CUSTOMER), "Delivered over LMTP."))

    try:
        await asyncio.to_thread(deliver)
    finally:
        server.close()
        await server.wait_closed()
    assert (await thread_of(portal, ticket))[-1].body == "Delivered over LMTP."


def test_mail_in_command_is_registered_and_checks_its_imap_options() -> None:
    from click.testing import CliRunner

    from core.cli import main

    runner = CliRunner()
    assert "mail-in" in runner.invoke(main, ["--help"]).output
    refused = runner.invoke(main, ["mail-in", "--imap", "imap.example.com"], env={"PORTIQUE_IMAP_PASSWORD": ""})
    assert refused.exit_code == 2
    assert "--imap-user" in refused.output


async def test_an_agent_answering_in_the_thread_without_the_reply_address_is_threaded(
    portal: Portal, alpha: Tenant, agent: Any, open_one: Any, receiver: int, mailbox: Any
) -> None:
    ticket = await open_one()
    notice = await mailbox.last(agent.email)
    await send(
        receiver,
        compose(
            "help@alpha.localhost", "Looking into it.", sender=agent.email, headers={"References": notice["References"]}
        ),
    )
    last = (await thread_of(portal, ticket))[-1]
    assert (last.author_type, last.author_staff_id, last.body) == ("staff", agent.id, "Looking into it.")


async def test_a_thread_id_of_another_tenant_threads_nothing(
    portal: Portal, alpha: Tenant, beta: Tenant, open_one: Any, receiver: int, mailbox: Any
) -> None:
    ticket = await open_one()
    ack = await mailbox.last(CUSTOMER)
    await send(
        receiver,
        compose(
            f"help@{mail_domain(beta)}",
            "Cross",
            headers={"References": ack["References"], "In-Reply-To": ack["Message-ID"]},
        ),
    )
    assert len(await thread_of(portal, ticket)) == 1
    rows = await quarantined(portal)
    assert [(q.reason, q.tenant_id) for q in rows] == [("no_ticket", beta.id)]


async def test_a_sender_flooding_the_quarantine_is_told_to_try_later(
    portal: Portal, alpha: Tenant, open_one: Any, receiver: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from limits import parse

    from core.ticketing import inbound

    monkeypatch.setattr(inbound, "QUARANTINE_PER_SENDER", parse("3/hour"))
    ticket = await open_one()
    for _ in range(3):
        await send(
            receiver, compose(f"support+{ticket.id:x}-c-{'a' * 26}@alpha.localhost", "guess", sender="eve@evil.example")
        )
    with pytest.raises(aiosmtplib.SMTPDataError) as refused:
        await send(receiver, compose("help@alpha.localhost", "guess again", sender="eve@evil.example"))
    assert refused.value.code == 450
    assert len(await quarantined(portal)) == 3
    # another sender is not affected, nor is a reply that reaches its ticket
    await send(receiver, compose("help@alpha.localhost", "hello", sender="bob@other.example"))
    await send(receiver, compose(reply_address(alpha, ticket.id, CUSTOMER), "Real reply."))
    assert len(await quarantined(portal)) == 4
    assert (await thread_of(portal, ticket))[-1].body == "Real reply."


async def test_quarantined_mail_is_deleted_after_thirty_days(portal: Portal, alpha: Tenant) -> None:
    import time_machine

    from core.db.base import utcnow
    from core.storage import StorageError
    from core.ticketing.inbound import purge_quarantine

    start = utcnow()
    with time_machine.travel(start, tick=False):
        await take_in(portal, compose("help@alpha.localhost", "old").as_bytes())
    with time_machine.travel(start + timedelta(days=20), tick=False):
        await take_in(portal, compose("help@alpha.localhost", "recent").as_bytes())
    old, recent = await quarantined(portal)
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        assert await purge_quarantine(portal) == 1
    assert [q.id for q in await quarantined(portal)] == [recent.id]
    with pytest.raises(StorageError):
        await get_storage().read(old.storage_key)
    assert await get_storage().read(recent.storage_key)
