"""Browser: register → confirm by the link in the .eml → sign in with "stay signed in" → sign out."""

from __future__ import annotations

import pytest

from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_links, mail_text

pytestmark = pytest.mark.browser
PASSWORD = "a long passphrase 2026"


def _make_tenant(run_async) -> None:
    async def body(portal):
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en", "fr"], default_locale="en")
            await db.commit()

    run_async(body)


def test_register_confirm_sign_in_remembered_and_sign_out(run_async, live_server, browser_page):
    _make_tenant(run_async)
    page = browser_page
    page.goto(live_server.tenant_url("acme", "/register"))
    check_accessibility(page)

    page.locator("#first_name").fill("Grace")
    page.locator("#last_name").fill("Hopper")
    page.locator("#email").fill("grace@example.com")
    page.locator("#password").fill("short")
    page.locator("#password_confirm").fill("short")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    page.locator("#error-summary").wait_for()
    assert page.locator("#first_name").input_value() == "Grace"
    assert page.locator("#password").input_value() == ""
    check_accessibility(page)

    page.locator("#password").fill(PASSWORD)
    page.locator("#password_confirm").fill(PASSWORD)
    page.locator("#accept_terms").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/register/done")
    assert page.locator("h1").inner_text() == "Check your mailbox"
    check_accessibility(page)

    (mail,) = live_server.wait_for_mail("acme")
    assert PASSWORD not in mail_text(mail)
    link = next(link for link in mail_links(mail) if "/confirm/" in link)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Address confirmed"
    check_accessibility(page)

    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/login")
    check_accessibility(page)
    page.locator("#login").fill("grace@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("#remember").check()
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/t/acme/")
    assert page.get_by_role("link", name="grace@example.com").is_visible()

    cookie = next(c for c in page.context.cookies() if "portique_session" in c["name"])
    assert cookie["httpOnly"] is True
    assert cookie["expires"] > 0, "a stay-signed-in session outlives the browser"

    page.get_by_role("link", name="My profile").first.click()
    assert "grace@example.com" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="See where I am signed in").click()
    page.wait_for_url("**/profile/sessions")
    assert "this session" in page.locator("main").inner_text()
    check_accessibility(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/t/acme/")
    assert page.get_by_role("status").inner_text() == "You are signed out."
    page.goto(live_server.tenant_url("acme", "/profile"))
    page.wait_for_url("**/login?next=*")
    page.goto(live_server.tenant_url("acme", "/password/forgot"))
    check_accessibility(page)
