"""Browser: a customer opens a ticket and answers the acknowledgement by e-mail (real SMTP to the mail-in
receiver); the agent sees the reply in the console and resolves; the customer rates from the mail's link;
the score appears in the console."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import pytest

from core.mail.inbound.receiver import start_receiver
from core.plugins import PluginManager
from core.testing import LiveServer, _free_port, check_accessibility, mail_links
from core.ticketing.inbound import accepts, take_in
from core.wiring import build_portal
from tests.browser.test_ticketing import AGENT_PASSWORD, CUSTOMER_PASSWORD, PLUGINS, portal, ticket_server

pytestmark = pytest.mark.browser
__all__ = ["ticket_server"]  # the fixture, shared with the ticketing journey


@pytest.fixture
def mail_in(ticket_server: LiveServer) -> Iterator[int]:
    """The ``portique mail-in`` SMTP receiver on a free port, in a thread with its own event loop."""
    port = _free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    portal_ = build_portal(ticket_server.settings, PluginManager(PLUGINS))

    async def serve() -> None:
        portal_.activate()
        server = await start_receiver(
            lambda raw, sender, rcpts: take_in(portal_, raw, sender, rcpts),
            lambda address: accepts(portal_, address),
            host="127.0.0.1",
            port=port,
        )
        started.set()
        try:
            async with server:
                await server.serve_forever()
        finally:
            await portal_.database.dispose()

    thread = threading.Thread(target=lambda: loop.run_until_complete(_until_cancelled(serve())), daemon=True)
    thread.start()
    assert started.wait(10), "mail-in receiver did not start"
    yield port
    loop.call_soon_threadsafe(lambda: [task.cancel() for task in asyncio.all_tasks(loop)])
    thread.join(timeout=10)


async def _until_cancelled(coro: Any) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await coro


def test_reply_by_mail_resolve_and_rate(ticket_server: LiveServer, mail_in: int, browser_page: Any) -> None:
    server = ticket_server
    page = browser_page
    page.goto(portal(server, "/login"))
    page.get_by_label("E-mail address").fill("zoe@example.com")
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(portal(server, "/support"))
    page.get_by_role("link", name="Open a request – Billing").click()
    page.get_by_label("Subject").fill("Invoice too high")
    page.get_by_label("Customer number").fill("C-12345")
    page.get_by_label("Topic").select_option("wrong")
    page.get_by_label("Description").fill("My invoice is wrong.")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/support/sent")
    reference = page.locator(".ticket-reference").inner_text()
    ack = next(m for m in server.wait_for_mail("alpha", count=2) if m["To"] == "zoe@example.com")

    # the customer answers the acknowledgement from their mail client
    answer = EmailMessage()
    answer["From"] = "Zoé <zoe@example.com>"
    answer["To"] = parseaddr(ack["Reply-To"])[1]
    answer["Subject"] = "Re: " + str(ack["Subject"])
    answer["In-Reply-To"] = ack["Message-ID"]
    answer["References"] = f"{ack['References']} {ack['Message-ID']}"
    answer.set_content(
        "It is the November one.\n\nOn Wed, Dec 2, 2026, Alpha Portal wrote:\n> We have received your request\n"
    )
    answer.add_attachment(
        b"%PDF-1.4\n% invoice\n" + b"0" * 100, maintype="application", subtype="pdf", filename="nov.pdf"
    )
    with smtplib.SMTP("127.0.0.1", mail_in) as client:
        client.send_message(answer)
    page.goto(portal(server, f"/tickets/{reference}"))
    assert page.get_by_text("It is the November one.").is_visible()
    assert page.get_by_text("We have received your request").count() == 0  # the quote is gone
    assert page.get_by_role("link", name="nov.pdf").is_visible()

    # the agent sees the mailed reply in the console and resolves the ticket
    agent_context = page.context.browser.new_context(locale="en-US")
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    agent.goto(f"{server.url}/console/login")
    agent.get_by_label("E-mail").fill("agent@ops.test")
    agent.get_by_label("Password").fill(AGENT_PASSWORD)
    agent.get_by_role("button", name="Sign in").click()
    agent.wait_for_url("**/console/tickets")
    agent.get_by_role("link", name=reference).click()
    assert agent.locator(".message-via-email").is_visible()
    agent.get_by_label("Status", exact=True).select_option("resolved")
    agent.get_by_role("button", name="Change status").click()
    assert "Resolved" in agent.locator(".ticket-status").inner_text()

    # the customer rates from the resolution mail, in one click, and adds a comment
    resolved = next(m for m in server.wait_for_mail("alpha", count=3) if "is resolved" in str(m["Subject"]))
    good = next(link for link in mail_links(resolved) if link.endswith("/good"))
    page.goto(good)
    assert page.locator(".rating-recorded").is_visible()
    check_accessibility(page)
    page.get_by_label("Your comment (optional)").fill("Quick and clear.")
    page.get_by_role("button", name="Send").click()
    assert page.locator(".rating-done").is_visible()

    # the score appears in the console
    agent.goto(f"{server.url}/console/satisfaction")
    check_accessibility(agent)
    assert "100%" in agent.locator(".satisfaction-tenants").inner_text().replace("\u202f", "").replace("\xa0", "")
    assert agent.get_by_text("Quick and clear.").is_visible()
    agent_context.close()
