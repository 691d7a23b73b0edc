"""Browser: a visitor reaches a tenant by its path prefix, switches language, and pages are accessible."""

from __future__ import annotations

import pytest

from core.tenancy.service import create_tenant
from core.testing import check_accessibility

pytestmark = pytest.mark.browser


def _make_tenant(run_async, **values):
    async def body(portal):
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, **values)
            await db.commit()

    run_async(body)


def test_visitor_switches_language_and_pages_pass_axe(run_async, live_server, browser_page):
    _make_tenant(run_async, slug="acme", name="Acme", locales=["en", "fr"], default_locale="en")
    page = browser_page
    page.goto(live_server.tenant_url("acme", "/"))
    assert page.locator("h1").inner_text() == "Welcome to Acme"
    check_accessibility(page)
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/t/acme/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Bienvenue sur Acme"
    page.goto(live_server.tenant_url("acme", "/nowhere"))
    assert "Page introuvable" in page.locator("h1").inner_text()
    check_accessibility(page)


def test_operator_host_lists_the_portals(run_async, live_server, browser_page):
    _make_tenant(run_async, slug="acme", name="Acme", locales=["en"], default_locale="en")
    browser_page.goto(live_server.url + "/")
    browser_page.get_by_role("link", name="Acme").click()
    browser_page.wait_for_url("**/t/acme/")
    assert "Welcome to Acme" in browser_page.content()
