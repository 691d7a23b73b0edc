"""Browser, on a 390 px phone: turn two-step verification on with pyotp, save the recovery codes, sign out,
sign in with a recovery code; a staff member signs in to the console with one. Each page passes axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.staff.accounts import create_staff
from core.staff.models import Staff
from core.staff.recovery import issue_codes
from core.tenancy.service import create_tenant
from core.testing import check_accessibility, horizontal_overflow

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "a long passphrase 2026"
CODE = re.compile(r"[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{2}")


@pytest.fixture
def phone(_browser: Any) -> Iterator[Any]:
    """A page of a plain 390 px wide context (no mobile zoom, so an overflow shows)."""
    context = _browser.new_context(locale="en-US", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _check(page: Any) -> None:
    check_accessibility(page)
    assert horizontal_overflow(page) == 0, page.url


def test_save_codes_sign_out_and_sign_in_with_a_recovery_code(run_async, live_server, phone):
    async def body(portal):
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en"])
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_user(db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
            await db.commit()

    run_async(body)
    page = phone
    page.goto(live_server.tenant_url("acme", "/login"))
    page.locator("#login").fill("ada@example.com")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/t/acme/")
    page.goto(live_server.tenant_url("acme", "/profile/totp"))
    secret = page.locator("main code").inner_text()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/profile/recovery-codes")
    codes = CODE.findall(page.locator("#recovery-codes").inner_text())
    assert len(codes) == 10
    download = page.get_by_role("link", name="Download as text")
    assert CODE.search(download.get_attribute("href").replace("%2D", "-"))
    assert page.get_by_role("button", name="Print").is_visible(), "shown when scripts run"
    _check(page)

    page.context.clear_cookies()  # signed out (the phone's menu hides the sign-out button)
    page.goto(live_server.tenant_url("acme", "/login"))
    page.locator("#login").fill("ada@example.com")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/code")
    page.get_by_role("link", name="Use a recovery code").click()
    page.wait_for_url("**/login/recovery")
    _check(page)
    page.locator("#code").fill(codes[3])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/t/acme/")
    page.goto(live_server.tenant_url("acme", "/profile"))
    assert "9 left" in page.locator("main").inner_text()
    _check(page)


def test_a_staff_member_signs_in_with_a_recovery_code(run_async, live_server, phone):
    async def body(portal):
        async with portal.database.session() as db:
            staff = await create_staff(db, email="olive@ops.test", name="Olive", password=PASSWORD, role="operator")
            codes = await issue_codes(db, await db.get(Staff, staff.id))
            await db.commit()
        return codes

    codes = run_async(body)
    page = phone
    page.goto(live_server.url + "/console/login")
    page.locator("#email").fill("olive@ops.test")
    page.locator("#password").fill(PASSWORD)
    page.get_by_text("Use a recovery code").click()
    _check(page)
    page.locator("#recovery_code").fill(codes[0])
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/tickets")
    page.goto(live_server.url + "/console/recovery-codes")
    assert "9 recovery codes are left" in page.locator("main").inner_text()
    _check(page)
