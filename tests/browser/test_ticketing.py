"""Browser: a customer opens a ticket with an attachment and gets the mail; an agent answers in the console;
the customer replies; the agent resolves."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.plugins import PluginManager
from core.settings import Settings
from core.staff.accounts import create_staff
from core.tenancy.service import create_tenant
from core.testing import LiveServer, _free_port, check_accessibility, mail_text
from core.wiring import build_portal
from tests.core.ticketing.conftest import ALPHA

pytestmark = pytest.mark.browser
CUSTOMER_PASSWORD = "a long passphrase 2026"
AGENT_PASSWORD = "agent password 2026"
PLUGINS = {"helpdesk_alpha": ALPHA}
SECRETS: dict[str, str] = {}


def _setup(settings: Settings) -> None:
    portal = build_portal(settings, PluginManager(PLUGINS))

    async def body() -> None:
        portal.activate()
        async with portal.database.session() as db:
            tenant = await create_tenant(
                db,
                portal.plugins,
                slug="alpha",
                name="Alpha Portal",
                plugins=["helpdesk_alpha"],
                ticket_prefix="ALP",
                timezone="America/Montreal",
                country="CA",
                subdivision="QC",
                locales=["en", "fr"],
            )
            await create_staff(
                db, email="agent@ops.test", name="Agent Smith", password=AGENT_PASSWORD, tenants=[tenant]
            )
            operator = await create_staff(
                db, email="op@ops.test", name="Olga Operator", password=AGENT_PASSWORD, role="operator"
            )
            SECRETS["operator"] = operator.totp_secret or ""
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_user(
                db, email="zoe@example.com", password=CUSTOMER_PASSWORD, status=UserStatus.ACTIVE, first_name="Zoé"
            )
            await db.commit()
        await portal.database.dispose()

    # a thread of its own: Playwright's sync API may hold an event loop in this one
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(body())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


@pytest.fixture
def ticket_server(portique_settings: Settings) -> Iterator[LiveServer]:
    """A live server with the test helpdesk plugin and its tenant, agent and customer."""
    import uvicorn

    from core.app import create_app

    settings = portique_settings.model_copy(update={"run_worker_in_process": True})
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    _setup(settings)
    app = create_app(settings, access_log=False, extra_plugins=PLUGINS)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "live server did not start"
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


def portal(server: LiveServer, path: str) -> str:
    """A page of the tenant on its own host name (``alpha.localhost`` resolves to the loopback)."""
    return server.url.replace("127.0.0.1", "alpha.localhost") + path


def test_ticket_journey(ticket_server: LiveServer, browser_page: Any, tmp_path: Any) -> None:
    server = ticket_server
    page = browser_page
    # the customer signs in and opens a ticket with an attachment
    page.goto(portal(server, "/login"))
    page.get_by_label("E-mail address").fill("zoe@example.com")
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(portal(server, "/support"))
    check_accessibility(page)
    page.get_by_role("link", name="Open a request – Billing").click()
    page.get_by_label("Subject").fill("Invoice too high")
    page.get_by_label("Customer number").fill("C-12345")
    page.get_by_label("Topic").select_option("wrong")
    page.get_by_label("Description").fill("My **November** invoice is wrong.")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned invoice\n" + b"0" * 200)
    page.get_by_label("Attachments").set_input_files(str(scan))
    check_accessibility(page)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/support/sent")
    reference = page.locator(".ticket-reference").inner_text()
    assert reference.startswith("ALP-")
    check_accessibility(page)
    mails = server.wait_for_mail("alpha", count=2)  # the acknowledgement, and the news for the tenant's agent
    ack = next(m for m in mails if m["To"] == "zoe@example.com")
    assert reference in mail_text(ack)
    assert any(m["To"] == "agent@ops.test" and reference in m["Subject"] for m in mails)

    # an agent answers in the console, asking for more information
    agent_context = page.context.browser.new_context(locale="en-US")
    agent = agent_context.new_page()
    agent.set_default_timeout(10_000)
    agent.goto(f"{server.url}/console/login")
    agent.get_by_label("E-mail").fill("agent@ops.test")
    agent.get_by_label("Password").fill(AGENT_PASSWORD)
    agent.get_by_role("button", name="Sign in").click()
    agent.wait_for_url("**/console/tickets")
    check_accessibility(agent)
    agent.get_by_role("link", name=reference).click()
    assert agent.get_by_role("link", name="scan.pdf").is_visible()
    check_accessibility(agent)
    agent.get_by_label("Message").fill("Could you send the **previous** invoice too?")
    agent.get_by_label("Status after sending").select_option("waiting")
    agent.get_by_role("button", name="Send").click()
    assert "Waiting on customer" in agent.locator(".ticket-status").inner_text()
    server.wait_for_mail("alpha", count=3)

    # the customer reads the answer and replies
    page.goto(portal(server, f"/tickets/{reference}"))
    assert page.locator(".message--staff strong").first.is_visible()
    assert "previous" in page.locator(".message--staff .message-body").inner_text()
    check_accessibility(page)
    page.get_by_label("Your message").fill("Here it is.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert page.get_by_text("Your message has been sent.").is_visible()
    assert page.locator(".ticket-status").inner_text() == "Open"

    # the agent sees the reply and resolves the ticket
    agent.reload()
    assert agent.get_by_text("Here it is.").is_visible()
    agent.get_by_label("Status", exact=True).select_option("resolved")
    agent.get_by_role("button", name="Change status").click()
    assert "Resolved" in agent.locator(".ticket-status").inner_text()
    page.reload()
    assert page.locator(".ticket-status").inner_text() == "Resolved"
    assert page.get_by_role("button", name="Reopen this ticket").is_visible()
    mails = server.wait_for_mail("alpha", count=4)
    assert any("is resolved" in m["Subject"] and m["To"] == "zoe@example.com" for m in mails)
    agent_context.close()


def test_operator_console_pages_are_accessible(ticket_server: LiveServer, browser_page: Any) -> None:
    import pyotp

    page = browser_page
    page.goto(f"{ticket_server.url}/console/tickets")
    page.wait_for_url("**/console/login*")
    check_accessibility(page)
    page.get_by_label("E-mail").fill("op@ops.test")
    page.get_by_label("Password").fill(AGENT_PASSWORD)
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("not correct").is_visible()
    check_accessibility(page)
    page.get_by_label("Password").fill(AGENT_PASSWORD)
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(SECRETS["operator"]).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/tickets")
    for name, heading in (
        ("Approvals", "Approvals"),
        ("Users", "Users"),
        ("Tenants", "Tenants"),
        ("Imports", "Registry imports"),
        ("Audit log", "Audit log"),
        ("Outbox", "Outbox"),
    ):
        page.get_by_role("navigation", name="Console").get_by_role("link", name=name).click()
        assert page.locator("h1").inner_text() == heading
        check_accessibility(page)
    page.goto(f"{ticket_server.url}/console/tenants")
    page.get_by_role("link", name="alpha", exact=True).click()
    assert page.get_by_label("Name", exact=True).input_value() == "Alpha Portal"
    check_accessibility(page)
    page.goto(f"{ticket_server.url}/console/users")
    page.get_by_label("E-mail, username, last name or account number").fill("zoe")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="zoe@example.com").click()
    assert page.locator(".user-status").inner_text() == "active"
    check_accessibility(page)
