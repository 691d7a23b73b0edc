"""Browser: passkeys with Chromium's virtual authenticator, for a customer and for an operator.

WebAuthn wants a domain for its RP ID (an IP address is refused) and a secure context: the pages are
reached on ``acme.localhost`` (the tenant's own host) and ``localhost`` (the operator host), which
Chromium resolves to the loopback address and treats as secure.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.staff.accounts import create_staff
from core.tenancy.service import create_tenant
from core.testing import check_accessibility, horizontal_overflow

pytestmark = pytest.mark.browser
PASSWORD = "a long passphrase 2026"
OPERATOR, OPERATOR_PASSWORD = "olive@ops.test", "operator passphrase 2026"
PHONE = {"width": 390, "height": 844}


def check(page: Any) -> None:
    """The page fits a 390 px phone and passes axe."""
    assert horizontal_overflow(page) == 0
    check_accessibility(page)


def virtual_authenticator(page: Any) -> Any:
    """A platform authenticator that holds discoverable passkeys and verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def host_url(live_server: Any, host: str, path: str) -> str:
    port = urlsplit(live_server.url).port
    return f"http://{host}:{port}{path}"


def test_a_customer_adds_a_passkey_and_signs_in_with_it_by_autofill(run_async, live_server, browser_page):
    async def body(portal):
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en"])
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_user(
                db,
                email="grace@example.com",
                password=PASSWORD,
                first_name="Grace",
                last_name="Hopper",
                status=UserStatus.ACTIVE,
            )
            await db.commit()

    run_async(body)
    page = browser_page
    page.set_viewport_size(PHONE)
    virtual_authenticator(page)
    page.goto(host_url(live_server, "acme.localhost", "/login"))
    assert page.locator("#login").get_attribute("autocomplete") == "username webauthn"
    page.locator("#login").fill("grace@example.com")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/")
    page.goto(host_url(live_server, "acme.localhost", "/profile"))
    page.get_by_role("link", name="Manage my passkeys").click()
    page.wait_for_url("**/profile/passkeys")
    check(page)
    page.locator("#name").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url("**/profile/passkeys")
    page.locator("[data-passkeys]").wait_for()
    assert page.locator("#passkey-name-1").input_value() == "Work laptop"
    check(page)

    page.context.clear_cookies()  # signed out
    # Conditional UI: the sign-in page asks at once; the virtual authenticator picks its only passkey.
    page.goto(host_url(live_server, "acme.localhost", "/login?next=/profile"))
    page.wait_for_url(lambda url: urlsplit(url).path == "/profile")
    assert "grace@example.com" in page.locator("main").inner_text()
    check(page)

    page.goto(host_url(live_server, "acme.localhost", "/profile/passkeys"))
    assert page.locator("[data-passkeys]").inner_text().count("Never") == 0  # used just now
    page.get_by_role("link", name="Remove Work laptop").click()
    check(page)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Remove the passkey").click()
    page.wait_for_url("**/profile/passkeys")
    assert "You have no passkey yet." in page.locator("main").inner_text()


def test_an_operator_adds_a_passkey_and_signs_in_to_the_console_with_the_button(run_async, live_server, browser_page):
    secret = pyotp.random_base32()

    async def body(portal):
        async with portal.database.session() as db:
            operator = await create_staff(
                db, email=OPERATOR, name="Olive Operator", password=OPERATOR_PASSWORD, role="operator"
            )
            operator.totp_secret = secret
            await db.commit()

    run_async(body)
    page = browser_page
    page.set_viewport_size(PHONE)
    virtual_authenticator(page)
    # The button, this time: no autofill request that the virtual authenticator would answer first.
    page.add_init_script("delete PublicKeyCredential.isConditionalMediationAvailable;")
    page.goto(host_url(live_server, "localhost", "/console/login"))
    page.locator("#email").fill(OPERATOR)
    page.locator("#password").fill(OPERATOR_PASSWORD)
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/console/tickets")
    page.get_by_role("link", name="My passkeys").click()
    page.wait_for_url("**/console/passkeys")
    check(page)
    page.locator("#name").fill("Desk")
    page.get_by_role("button", name="Add a passkey").click()
    page.locator("[data-passkeys]").wait_for()
    check(page)

    page.context.clear_cookies()  # signed out
    page.goto(host_url(live_server, "localhost", "/console/login"))
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/console/tickets")
    assert "Sign out (Olive Operator)" in page.content()
