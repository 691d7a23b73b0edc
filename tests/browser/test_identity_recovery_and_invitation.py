"""Browser: forgot password → reset → sign in; a holder invites a user who sets a password and signs in
with the granted permissions only (on the Luminus demo portal, whose pages check permissions)."""

from __future__ import annotations

import pytest

from core.api import UserStatus, create_user, resolve
from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_links

pytestmark = pytest.mark.browser
OLD, NEW = "first long passphrase 26", "second long passphrase 27"


def test_forgot_password_reset_then_sign_in(run_async, live_server, browser_page):
    async def body(portal):
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en"])
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_user(db, email="ada@example.com", password=OLD, status=UserStatus.ACTIVE, first_name="Ada")
            await db.commit()

    run_async(body)
    page = browser_page
    page.goto(live_server.tenant_url("acme", "/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/password/forgot")
    page.locator("#email").fill("ada@example.com")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    check_accessibility(page)

    (mail,) = live_server.wait_for_mail("acme")
    link = next(link for link in mail_links(mail) if "/password/reset/" in link)
    page.goto(link)
    check_accessibility(page)
    page.locator("#password").fill(NEW)
    page.locator("#password_confirm").fill(NEW)
    page.get_by_role("button", name="Save the password").click()
    page.wait_for_load_state()

    page.goto(live_server.tenant_url("acme", "/login"))
    page.locator("#login").fill("ada@example.com")
    page.locator("#password").fill(OLD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.locator("#error-summary").wait_for()
    page.locator("#password").fill(NEW)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/t/acme/")
    assert page.get_by_role("link", name="ada@example.com").is_visible()

    page.goto(link)
    assert "/password/reset/" in page.url
    assert not page.locator("#password").count(), "a used reset link cannot be used again"


def test_holder_invites_a_user_who_gets_only_the_granted_permission(run_async, live_server, browser_page):
    async def body(portal):
        async with portal.database.session() as db:
            tenant = await create_tenant(
                db, portal.plugins, slug="luminus", name="Luminus PME", plugins=["luminus_energy"],
                theme="luminus", locales=["fr_BE", "nl_BE", "en"], default_locale="en",
            )  # fmt: skip
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=db))
            await db.commit()

    run_async(body)
    page = browser_page  # the demo holder prefers French: selectors below do not depend on the language
    page.goto(live_server.tenant_url("luminus", "/login"))
    page.locator("#login").fill("pme@boulangerie-dupont.be")
    page.locator("#password").fill("Luminus-Demo-2026!")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/t/luminus/")

    page.goto(live_server.tenant_url("luminus", "/account/users"))
    check_accessibility(page)
    page.locator("#first_name").fill("Lea")
    page.locator("#last_name").fill("Martin")
    page.locator("#email").fill("lea@boulangerie-dupont.be")
    invite = page.locator("form:has(#email)")
    invite.locator('input[name="permissions"][value="readings"]').check()
    invite.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator('form[action$="/logout"] button').locator("visible=true").click()
    page.wait_for_url("**/t/luminus/")

    invitation = next(m for m in live_server.wait_for_mail("luminus") if m["To"] == "lea@boulangerie-dupont.be")
    link = next(link for link in mail_links(invitation) if "/invitation/" in link)
    page.goto(link)
    check_accessibility(page)
    page.locator("#password").fill(NEW)
    page.locator("#password_confirm").fill(NEW)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(live_server.tenant_url("luminus", "/login"))
    if page.locator("#login").count():  # the invitation may already have signed the user in
        page.locator("#login").fill("lea@boulangerie-dupont.be")
        page.locator("#password").fill(NEW)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/t/luminus/")
    readings = page.goto(live_server.tenant_url("luminus", "/luminus/readings"))
    assert readings is not None
    assert readings.status == 200
    invoices = page.goto(live_server.tenant_url("luminus", "/luminus/invoices"))
    assert invoices is not None
    assert invoices.status == 403, "the invitation granted readings only"
    users = page.goto(live_server.tenant_url("luminus", "/account/users"))
    assert users is not None
    assert users.status in (403, 404)
