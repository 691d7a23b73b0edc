"""Browser: an operator adds an agent in the console; the agent chooses a password from the mailed link and
signs in; the operator disables them and they are signed out."""

from __future__ import annotations

import pyotp
import pytest

from core.staff.accounts import create_staff
from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_links

pytestmark = pytest.mark.browser
OPERATOR, OPERATOR_PASSWORD = "olive@ops.test", "operator passphrase 2026"
AGENT, AGENT_PASSWORD = "nina@ops.test", "agent passphrase 2026"


def test_operator_adds_an_agent_who_signs_in_then_is_disabled_and_signed_out(run_async, live_server, browser_page):
    secret = pyotp.random_base32()

    async def body(portal):
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en"])
            operator = await create_staff(
                db, email=OPERATOR, name="Olive Operator", password=OPERATOR_PASSWORD, role="operator"
            )
            operator.totp_secret = secret
            await db.commit()

    run_async(body)
    page = browser_page
    page.goto(live_server.url + "/console/login")
    page.locator("#email").fill(OPERATOR)
    page.locator("#password").fill(OPERATOR_PASSWORD)
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/tickets")

    page.get_by_role("link", name="Staff", exact=True).click()
    page.wait_for_url("**/console/staff")
    page.get_by_role("link", name="Add a staff member").click()
    page.get_by_role("button", name="Add and mail the link").click()  # sent empty: errors next to the fields
    page.locator("#email-error").wait_for()
    check_accessibility(page)
    page.locator("#email").fill(AGENT)
    page.locator("#name").fill("Nina Agent")
    page.get_by_label("Acme").check()
    page.get_by_role("button", name="Add and mail the link").click()
    page.wait_for_url("**/console/staff/*")
    check_accessibility(page)
    agent_page_url = page.url

    (mail,) = live_server.wait_for_mail("_operator")
    link = next(link for link in mail_links(mail) if "/console/password/" in link)
    agent = page.context.browser.new_context(locale="en-US").new_page()
    agent.set_default_timeout(10_000)
    agent.goto(link)
    check_accessibility(agent)
    agent.locator("#password").fill(AGENT_PASSWORD)
    agent.locator("#confirm").fill(AGENT_PASSWORD)
    agent.get_by_role("button", name="Set the password").click()
    agent.wait_for_url("**/console/login")
    agent.locator("#email").fill(AGENT)
    agent.locator("#password").fill(AGENT_PASSWORD)
    agent.get_by_role("main").get_by_role("button", name="Sign in").click()
    agent.wait_for_url("**/console/tickets")
    assert agent.get_by_role("button", name="Sign out (Nina Agent)").is_visible()

    page.goto(agent_page_url)
    page.get_by_role("button", name="Disable and sign out").click()
    page.wait_for_url(agent_page_url)
    assert page.locator(".staff-state").inner_text() == "Disabled"

    agent.reload()
    agent.wait_for_url("**/console/login?next=*")
    agent.locator("#email").fill(AGENT)
    agent.locator("#password").fill(AGENT_PASSWORD)
    agent.get_by_role("main").get_by_role("button", name="Sign in").click()
    agent.locator(".error-summary").wait_for()
    assert "/console/login" in agent.url
    agent.context.close()
