"""Browser: an operator writes a reply macro; an agent saves a queue view, opens a ticket, picks the macro,
edits the text and sends it; the customer reads it on their ticket page; the macro's use is counted."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from core.testing import LiveServer, check_accessibility, horizontal_overflow
from tests.browser.test_ticketing import AGENT_PASSWORD, CUSTOMER_PASSWORD, SECRETS, portal, ticket_server

pytestmark = pytest.mark.browser
__all__ = ["ticket_server"]  # the fixture, shared with the ticketing journey


def _console_sign_in(page: Any, server: LiveServer, email: str, code: str = "") -> None:
    page.goto(f"{server.url}/console/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(AGENT_PASSWORD)
    if code:
        page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/tickets")


def _open_request(page: Any, server: LiveServer) -> str:
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
    return str(page.locator(".ticket-reference").inner_text())


def test_agent_answers_with_a_reply_macro(ticket_server: LiveServer, browser_page: Any) -> None:
    server = ticket_server
    customer = browser_page
    reference = _open_request(customer, server)
    browser = customer.context.browser

    # the operator writes the macro, on a phone-sized screen
    operator_context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    operator = operator_context.new_page()
    operator.set_default_timeout(10_000)
    _console_sign_in(operator, server, "op@ops.test", pyotp.TOTP(SECRETS["operator"]).now())
    operator.get_by_role("navigation", name="Console").get_by_role("link", name="Reply macros").click()
    operator.get_by_role("link", name="Add a reply macro").click()
    operator.get_by_role("button", name="Save").click()  # empty: errors next to the fields
    assert operator.locator("#title-error").is_visible()
    check_accessibility(operator)
    assert horizontal_overflow(operator) <= 0
    operator.get_by_label("Language").select_option("en")
    operator.get_by_label("Title").fill("Invoice check")
    operator.get_by_label("Text").fill("Hello {first_name},\n\nWe are checking {ticket_reference}.\n\n{agent_name}")
    operator.get_by_role("button", name="Save").click()
    assert operator.get_by_role("link", name="Invoice check").is_visible()
    check_accessibility(operator)
    assert horizontal_overflow(operator) <= 0
    operator_context.close()

    # the agent saves a view of the new tickets, applies it, opens the ticket and uses the macro
    agent_context = browser.new_context(locale="en-US")
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    _console_sign_in(agent, server, "agent@ops.test")
    agent.get_by_label("Status", exact=True).select_option("new")
    agent.get_by_role("button", name="Filter").click()
    agent.get_by_label("Save these filters as").fill("New tickets")
    agent.get_by_role("button", name="Save view").click()
    check_accessibility(agent)
    agent.goto(f"{server.url}/console/tickets?status=closed")
    assert agent.get_by_role("link", name=reference).count() == 0
    agent.get_by_role("link", name="New tickets").click()
    agent.get_by_role("link", name=reference).click()
    agent.get_by_label("Reply macro").select_option(label="Invoice check")
    agent.get_by_role("button", name="Insert").click()  # filled in place by console.js
    message = agent.get_by_label("Message")
    assert message.input_value() == f"Hello Zoé,\n\nWe are checking {reference}.\n\nAgent Smith"
    message.fill(message.input_value().replace("We are checking", "We have corrected"))
    check_accessibility(agent)
    agent.get_by_role("button", name="Send", exact=True).click()
    assert agent.get_by_text("We have corrected").is_visible()

    # the customer reads it; the operator's list counts one reply sent with the macro
    customer.goto(portal(server, f"/tickets/{reference}"))
    body = customer.locator(".message--staff .message-body").inner_text()
    assert "Hello Zoé" in body
    assert f"We have corrected {reference}" in body
    operator_context = browser.new_context(locale="en-US")
    operator = operator_context.new_page()
    _console_sign_in(operator, server, "op@ops.test", pyotp.TOTP(SECRETS["operator"]).now())
    operator.goto(f"{server.url}/console/macros")
    assert operator.locator(".macro-row .macro-uses").inner_text() == "1"
    operator_context.close()
    agent_context.close()
