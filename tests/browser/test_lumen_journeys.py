"""Browser journeys of the Lumen tenant: signed access request → operator approval → username mail →
"forgot password" → sign-in (French); a failed submission keeps the drawn signature, on a phone (English)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.console.staff import create_staff
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_links, mail_text
from plugins.lumen_ecommerce.demo import create_demo_data

pytestmark = pytest.mark.browser

OPERATOR = {"email": "ops@portique.example", "password": "operator-password-2026"}
LUMEN = {
    "slug": "lumen",
    "name": "Lumen — Espace PRO",
    "plugins": ["lumen_ecommerce"],
    "theme": "lumen",
    "locales": ["fr_CA", "en_CA"],
    "default_locale": "fr_CA",
    "timezone": "America/Montreal",
    "ticket_prefix": "LUM",
}


def _setup(run_async: Any) -> str:
    """The lumen tenant with demo data, and an operator; returns the operator's TOTP secret."""

    async def body(portal: Any) -> str:
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, **LUMEN)
            staff = await create_staff(db, name="Ops", role="operator", tenants=[tenant], **OPERATOR)
            secret = staff.totp_secret
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_demo_data(tenant, db)
            await db.commit()
        return str(secret)

    return str(run_async(body))


async def _approve_first_pending(portal: Any) -> None:
    from core.api import ApprovalRequest
    from core.console.approvals import decide
    from core.console.models import Staff

    async with portal.database.session() as db:
        tenant = await db.scalar(select(Tenant).where(Tenant.slug == "lumen"))
        staff = await db.scalar(select(Staff))
    assert tenant is not None
    assert staff is not None
    async with portal.database.session(tenant.id) as db:
        approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.status == "pending"))
        assert approval is not None
        assert approval.payload["reference"] == "DA-000001"
        await decide(db, tenant, approval, staff, approve=True, reason="")
        await db.commit()


def _sign(page: Any) -> None:
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 18, box["y"] + box["height"] * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()


def _errors(page: Any) -> str:
    summary = page.locator("#error-summary")
    return summary.inner_text() if summary.count() else page.locator("main").inner_text()[:1500]


def _fill_request(page: Any, users: list[tuple[str, str, str, int]], postal: str = "H3G 1H6") -> None:
    page.fill("#customer_number", "100234")
    page.check("#project_account-1")
    page.check("#is_admin-0")
    page.fill("#company", "Électricité Tremblay inc.")
    page.fill("#address", "1250, rue Sherbrooke Ouest")
    page.fill("#city", "Montréal")
    page.fill("#postal_code", postal)
    page.fill("#phone", "514 555-0123")
    first, last, email, _permission = users[0]
    page.fill("#admin_first_name", first)
    page.fill("#admin_last_name", last)
    page.fill("#admin_email", email)
    page.fill("#user_count", str(len(users)))
    for index, (first, last, email, permission) in enumerate(users):
        page.fill(f"#users-{index}-first_name", first)
        page.fill(f"#users-{index}-last_name", last)
        page.fill(f"#users-{index}-email", email)
        page.check(f"#users-{index}-permission-{permission}")


def test_fr_request_with_signature_approval_username_mail_reset_and_sign_in(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    page.goto(live_server.tenant_url("lumen", "/locale/fr_CA?next=/login"))  # the browser asks for English
    assert "Décochez si vous utilisez un appareil public." in page.content()
    page.get_by_role("link", name="Ouvrir un compte").click()
    page.wait_for_url("**/t/lumen/register")
    assert page.locator("h1").inner_text() == "Inscrivez-vous à notre solution de commerce électronique"
    check_accessibility(page)
    users = [
        ("Émilie", "Côté", "emilie.cote@tremblay.example", 0),
        ("Luc", "Gagné", "luc.gagne@tremblay.example", 1),
    ]
    _fill_request(page, users)  # typing 2 users adds the second block (JavaScript)
    assert page.locator("fieldset.lumen-user").count() == 2
    _sign(page)
    assert page.locator("#signature").input_value().startswith("data:image/png;base64,")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert page.url.endswith("/register/done"), _errors(page)
    assert "DA-000001" in page.content()
    check_accessibility(page)

    # The operator approves (the console's decision service: records it, calls the plugin's hook, audits).
    run_async(_approve_first_pending)

    mails = live_server.wait_for_mail("lumen", count=3)
    to_luc = [m for m in mails if m["To"] == "luc.gagne@tremblay.example"]
    assert to_luc, [m["To"] for m in mails]
    text = mail_text(to_luc[-1])
    assert "lgagne" in text
    assert "Aucun mot de passe" in text or "aucun mot de passe" in text

    # "Forgot password" → reset link → new password → sign in with the username.
    page.goto(live_server.tenant_url("lumen", "/password/forgot"))
    page.fill("#email", "luc.gagne@tremblay.example")
    page.locator("main form button[type=submit]").click()
    mails = live_server.wait_for_mail("lumen", count=4)
    reset = [link for link in mail_links(mails[-1]) if "/password/reset/" in link]
    assert reset, mail_text(mails[-1])
    page.goto(reset[0])
    page.fill("#password", "Soleil-Boreal-2026!")
    page.fill("#password_confirm", "Soleil-Boreal-2026!")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/t/lumen/login**")
    page.fill("#login", "lgagne")
    page.fill("#password", "Soleil-Boreal-2026!")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "lgagne" in page.locator("header").inner_text()
    page.goto(live_server.tenant_url("lumen", "/lumen/catalogue"))
    assert "Placer une commande pour approbation" in page.content()
    check_accessibility(page)


def test_en_phone_failed_submission_keeps_everything_including_the_signature(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.tenant_url("lumen", "/locale/en_CA?next=/register"))
    page.wait_for_url("**/t/lumen/register")
    _fill_request(page, [("Nora", "Lévesque", "nora@levesque.example", 0)], postal="12345")
    _sign(page)
    assert page.locator("#signature").input_value().startswith("data:image/png;base64,")
    page.get_by_role("button", name="Send").click()
    assert "Enter a Canadian postal code, like H2X 1Y4." in page.content()
    assert page.locator("#company").input_value() == "Électricité Tremblay inc."
    assert page.locator("#users-0-email").input_value() == "nora@levesque.example"
    assert page.locator("#signature").input_value().startswith("data:image/png;base64,")
    check_accessibility(page)
    page.fill("#postal_code", "h3g 1h6")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/t/lumen/register/done")
    assert "Thank you, your request was received" in page.content()


def test_en_missing_signature_is_refused(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    page.goto(live_server.tenant_url("lumen", "/locale/en_CA?next=/register"))
    _fill_request(page, [("Nora", "Lévesque", "nora@levesque.example", 2)])
    page.get_by_role("button", name="Send").click()
    assert "Please sign the form" in page.content()
    assert page.locator("#error-summary").is_visible()

    async def count(portal: Any) -> int:
        from plugins.lumen_ecommerce.models import LumenAccessRequest

        async with portal.database.session() as db:
            tenant = await db.scalar(select(Tenant).where(Tenant.slug == "lumen"))
            assert tenant is not None
        async with portal.database.session(tenant.id) as db:
            return len((await db.scalars(select(LumenAccessRequest))).all())

    assert run_async(count) == 0
