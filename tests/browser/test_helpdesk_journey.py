"""Browser: the whole helpdesk loop. A customer opens a ticket in the portal and answers the acknowledgement
by e-mail (real SMTP to the mail-in receiver); the agent sees the mailed reply, sends a password-reset link
from the care panel, answers with a reply macro and resolves; the customer rates from the resolution mail's
link; the score and the comment appear on ``/console/satisfaction``."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage, Message
from email.utils import parseaddr
from typing import Any

import pyotp
import pytest

from core.testing import LiveServer, check_accessibility, mail_links
from tests.browser.test_helpdesk_mail import mail_in
from tests.browser.test_reply_macros import _console_sign_in, _open_request
from tests.browser.test_ticketing import SECRETS, portal, ticket_server

pytestmark = pytest.mark.browser
__all__ = ["mail_in", "ticket_server"]  # the fixtures, shared with the mail and ticketing journeys


def _reply_by_mail(server: LiveServer, port: int, text: str) -> None:
    ack = next(m for m in server.wait_for_mail("alpha", count=2) if m["To"] == "zoe@example.com")
    answer = EmailMessage()
    answer["From"] = "Zoé <zoe@example.com>"
    answer["To"] = parseaddr(ack["Reply-To"])[1]
    answer["Subject"] = "Re: " + str(ack["Subject"])
    answer["In-Reply-To"] = ack["Message-ID"]
    answer["References"] = f"{ack['References']} {ack['Message-ID']}"
    answer.set_content(text)
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(answer)


def _mail_about(server: LiveServer, words: str, timeout: float = 10.0) -> Message:
    """The tenant's first mail whose subject holds ``words``, waiting for it to be written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in server.wait_for_mail("alpha") if words in str(m["Subject"])]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no mail about {words!r}")


def _write_macro(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(locale="en-US")
    operator = context.new_page()
    operator.set_default_timeout(10_000)
    _console_sign_in(operator, server, "op@ops.test", pyotp.TOTP(SECRETS["operator"]).now())
    operator.goto(f"{server.url}/console/macros/new")
    operator.get_by_label("Language").select_option("en")
    operator.get_by_label("Title").fill("Invoice corrected")
    operator.get_by_label("Text").fill("Hello {first_name},\n\nWe corrected {ticket_reference}.\n\n{agent_name}")
    operator.get_by_role("button", name="Save").click()
    assert operator.get_by_role("link", name="Invoice corrected").is_visible()
    context.close()


def test_open_reply_by_mail_answer_with_a_macro_resolve_rate_and_see_the_score(
    ticket_server: LiveServer, mail_in: int, browser_page: Any
) -> None:
    server = ticket_server
    customer = browser_page
    browser = customer.context.browser
    reference = _open_request(customer, server)
    _reply_by_mail(server, mail_in, "It is the November one.\n\nOn Wed, Dec 2, 2026, Alpha Portal wrote:\n> Hi\n")
    _write_macro(browser, server)

    # the agent reads the mailed reply, helps with the account, answers with the macro
    agent_context = browser.new_context(locale="en-US")
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    _console_sign_in(agent, server, "agent@ops.test")
    agent.get_by_role("link", name=reference).click()
    assert agent.get_by_text("It is the November one.").is_visible()
    assert agent.locator(".message-via-email").is_visible()
    assert "zoe@example.com" in agent.locator(".care-account").inner_text()
    check_accessibility(agent)  # the care panel with its actions
    sent_before = len(server.mail_files("alpha"))
    agent.get_by_role("button", name="E-mail a password-reset link").click()
    assert agent.get_by_text("Done: Password-reset link sent to zoe@example.com.").is_visible()
    assert agent.get_by_text("Care action by Agent Smith").is_visible()  # the internal note
    reset = server.wait_for_mail("alpha", count=sent_before + 1)
    assert any(m["To"] == "zoe@example.com" and "/password/reset/" in " ".join(mail_links(m)) for m in reset)
    agent.get_by_label("Reply macro").select_option(label="Invoice corrected")
    agent.get_by_role("button", name="Insert").click()
    assert agent.get_by_label("Message").input_value() == f"Hello Zoé,\n\nWe corrected {reference}.\n\nAgent Smith"
    agent.get_by_role("button", name="Send", exact=True).click()
    assert agent.get_by_text(f"We corrected {reference}.").is_visible()
    agent.get_by_label("Status", exact=True).select_option("resolved")
    agent.get_by_role("button", name="Change status").click()
    assert "Resolved" in agent.locator(".ticket-status").inner_text()

    # the customer reads the answer, then rates from the resolution mail
    customer.goto(portal(server, f"/tickets/{reference}"))
    assert f"We corrected {reference}." in customer.locator(".message--staff .message-body").inner_text()
    resolved = next(
        m for m in server.wait_for_mail("alpha", count=sent_before + 3) if "is resolved" in str(m["Subject"])
    )
    good = next(link for link in mail_links(resolved) if link.endswith("/good"))
    customer.goto(good)
    assert customer.locator(".rating-recorded").is_visible()
    customer.get_by_label("Your comment (optional)").fill("Fixed the same day.")
    customer.get_by_role("button", name="Send").click()
    assert customer.locator(".rating-done").is_visible()

    # the score appears in the console
    agent.goto(f"{server.url}/console/satisfaction")
    check_accessibility(agent)
    assert "100%" in agent.locator(".satisfaction-tenants").inner_text().replace("\u202f", "").replace("\xa0", "")
    assert agent.get_by_text("Fixed the same day.").is_visible()
    agent_context.close()
