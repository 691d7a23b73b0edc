"""Browser journeys of the Lumen tenant: signed access request → operator approval → username mail →
"forgot password" with the username → sign-in (French); a failed submission keeps the drawn
signature, on a phone (English)."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from PIL import Image
from sqlalchemy import select

from core.staff.accounts import create_staff
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
    secret = _setup(run_async)
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
    step_6 = "Sur la page de connexion, cliquez sur « Mot de passe oublié? » et entrez votre nom d’utilisateur"
    assert step_6 in page.locator("main").inner_text().replace("\u00a0", " ")
    check_accessibility(page)

    # The operator approves in the console (operator host, own browser context).
    console = page.context.browser.new_context(locale="en-CA").new_page()
    console.goto(live_server.url + "/console/login")
    console.fill("#email", OPERATOR["email"])
    console.fill("#password", OPERATOR["password"])
    console.fill("#code", pyotp.TOTP(secret).now())
    with console.expect_navigation():
        console.locator("main form button[type=submit]").click()
    console.goto(live_server.url + "/console/approvals")
    assert "DA-000001" in console.content()
    assert "/lumen/requests/lumen/1/pdf" in console.content()
    with console.expect_navigation():
        console.get_by_role("button", name=re.compile("^(Approve|Approuver)$")).first.click()

    mails = live_server.wait_for_mail("lumen", count=3)
    to_luc = [m for m in mails if m["To"] == "luc.gagne@tremblay.example"]
    assert to_luc, [m["To"] for m in mails]
    text = mail_text(to_luc[-1])
    assert "lgagne" in text
    assert "Aucun mot de passe" in text or "aucun mot de passe" in text

    # Step 6 as the thank-you page and the mails say it: on the sign-in page, "Forgot your password?",
    # the username → reset link → new password → sign in with the username.
    page.goto(live_server.tenant_url("lumen", "/login"))
    with page.expect_navigation():
        page.get_by_role("link", name="Mot de passe oublié?").click()
    assert page.locator("label[for=email]").inner_text().startswith("Nom d’utilisateur ou adresse courriel")
    check_accessibility(page)
    page.fill("#email", "lgagne")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "ce nom d’utilisateur" in page.content()
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


def _sign_in(page: Any, live_server: Any, login: str, locale: str = "en_CA") -> None:
    page.goto(live_server.tenant_url("lumen", f"/locale/{locale}?next=/login"))
    page.fill("#login", login)
    page.fill("#password", "Lumen-Demo-2026!")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(live_server.tenant_url("lumen", f"/locale/{locale}?next=/"))  # the demo users prefer French


def test_en_order_for_approval_waits_admin_approves_and_prices_only_cannot_order(run_async, live_server, browser_page):
    _setup(run_async)
    browser = browser_page.context.browser
    buyer = browser.new_context(locale="en-CA").new_page()
    _sign_in(buyer, live_server, "mroy")
    buyer.goto(live_server.tenant_url("lumen", "/lumen/catalogue?q=LUM-30100"))
    assert "$389.00" in buyer.content()
    buyer.get_by_role("button", name="Add 200 A panel, 40 circuits to the cart").click()
    buyer.goto(live_server.tenant_url("lumen", "/lumen/cart"))
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="Send for approval").click()
    assert "Waiting for approval" in buyer.content()
    order_url = buyer.url
    check_accessibility(buyer)

    admin = browser.new_context(locale="en-CA").new_page()
    _sign_in(admin, live_server, "jbelanger")
    admin.goto(order_url)
    admin.fill("#reason", "OK for the Sherbrooke site")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Approve the order").click()
    assert "The order was approved and placed." in admin.content()
    buyer.reload()
    assert "Placed" in buyer.content()
    mails = live_server.wait_for_mail("lumen", count=2)
    assert any(m["To"] == "marc.roy@example.com" for m in mails)

    viewer = browser.new_context(locale="en-CA").new_page()
    _sign_in(viewer, live_server, "stremblay")
    viewer.goto(live_server.tenant_url("lumen", "/lumen/catalogue"))
    assert "$389.00" in viewer.content()
    assert viewer.get_by_role("button", name=re.compile("Add .* to the cart")).count() == 0
    response = viewer.request.post(
        live_server.tenant_url("lumen", "/lumen/cart/add"),
        form={"csrf_token": viewer.locator("meta[name=csrf-token]").get_attribute("content") or "", "sku": "LUM-30100"},
    )
    assert response.status == 403


def test_fr_visitor_opens_an_integrations_ticket_with_an_attachment(run_async, live_server, browser_page, tmp_path):
    _setup(run_async)
    page = browser_page
    page.goto(live_server.tenant_url("lumen", "/locale/fr_CA?next=/support"))
    page.get_by_role("link", name=re.compile("Intégrations")).click()
    assert "24/48 heures ouvrables" in page.content()
    check_accessibility(page)
    screenshot = tmp_path / "capture.png"
    Image.new("RGB", (40, 20), (200, 16, 46)).save(screenshot)
    page.fill("#name", "Paul Ouellet")
    page.fill("#email", "paul@ouellet.example")
    page.fill("#subject", "L’export vers Maestro échoue")
    page.fill("#f_phone", "418 555-0142")
    page.fill("#f_customer_number", "100234")
    page.fill("#f_eleknet_username", "pouellet")
    page.fill("#description", "L’export de nuit vers Maestro s’arrête à 2 h.")
    page.set_input_files("#attachments", str(screenshot))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "LUM-" in page.content()


async def _approve_all_pending(portal: Any) -> int:
    from core.api import ApprovalRequest
    from core.console.approvals import decide
    from core.staff.models import Staff

    async with portal.database.session() as db:
        tenant = await db.scalar(select(Tenant).where(Tenant.slug == "lumen"))
        staff = await db.scalar(select(Staff))
    assert tenant is not None
    assert staff is not None
    async with portal.database.session(tenant.id) as db:
        pending = (await db.scalars(select(ApprovalRequest).where(ApprovalRequest.status == "pending"))).all()
        for approval in pending:
            await decide(db, tenant, approval, staff, approve=True, reason="")
        await db.commit()
    return len(pending)


def test_en_administrator_adds_a_user_and_removes_another_with_signed_forms(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    _sign_in(page, live_server, "jbelanger")
    page.goto(live_server.tenant_url("lumen", "/lumen/orders"))
    page.get_by_role("link", name="Users and signed requests of the account").click()
    page.get_by_role("link", name="Add users").click()
    assert page.locator("#customer_number").input_value() == "100300"
    assert page.locator("#postal_code").input_value() == "J1H 1R4"
    assert page.locator("#action-1").is_checked()  # "add"
    page.check("#project_account-1")
    page.fill("#phone", "819 555-0111")
    page.fill("#users-0-first_name", "Nadia")
    page.fill("#users-0-last_name", "Morin")
    page.fill("#users-0-email", "nadia.morin@example.com")
    page.check("#users-0-permission-2")
    _sign(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert page.url.endswith("/register/done"), _errors(page)
    assert run_async(_approve_all_pending) == 1

    page.goto(live_server.tenant_url("lumen", "/lumen/requests"))
    page.get_by_role("link", name="Remove users").click()
    assert page.locator("#action-3").is_checked()  # "remove"
    assert not page.locator("#users-0-permission-0").is_visible()  # no permission to choose when removing
    page.check("#project_account-1")
    page.fill("#phone", "819 555-0111")
    page.fill("#users-0-first_name", "Marc")
    page.fill("#users-0-last_name", "Roy")
    page.fill("#users-0-email", "marc.roy@example.com")
    _sign(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert page.url.endswith("/register/done"), _errors(page)
    assert run_async(_approve_all_pending) == 1

    mails = live_server.wait_for_mail("lumen", count=6)
    by_recipient = {m["To"]: mail_text(m) for m in mails}
    assert "nmorin" in by_recipient["nadia.morin@example.com"]
    assert "retiré" in by_recipient["marc.roy@example.com"]  # Marc reads French
    page.goto(live_server.tenant_url("lumen", "/lumen/requests"))
    assert page.get_by_role("link", name="Download DA-000002").count() == 1
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download DA-000001").click()
    assert download.value.suggested_filename == "lumen-DA-000001.pdf"


def test_fr_administrator_modifies_a_user_from_the_users_page(run_async, live_server, browser_page):
    """Seed section 2: « Demander une modification » on a user → the signed form, filled in → approval → applied."""
    _setup(run_async)
    page = browser_page
    _sign_in(page, live_server, "jbelanger", locale="fr_CA")
    page.goto(live_server.tenant_url("lumen", "/account/users"))
    page.get_by_role("link", name="Demander une modification Sophie Tremblay").click()
    page.wait_for_url("**/register?action=modify**")
    assert page.locator("#action-2").is_checked()  # "modify"
    assert page.locator("#users-0-current_email").is_visible()
    assert page.locator("#users-0-current_email").input_value() == "sophie.tremblay@example.com"
    assert page.locator("#users-0-permission-2").is_checked()  # prices only today
    check_accessibility(page)
    page.check("#project_account-1")
    page.fill("#phone", "819 555-0111")
    page.check("#users-0-permission-0")  # she may now place orders
    page.fill("#users-0-email", "sophie.tremblay@belanger.example")
    _sign(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    assert page.url.endswith("/register/done"), _errors(page)
    assert run_async(_approve_all_pending) == 1
    mails = live_server.wait_for_mail("lumen", count=3)
    to_sophie = [m for m in mails if m["To"] == "sophie.tremblay@belanger.example"]
    assert to_sophie, [m["To"] for m in mails]
    assert "Effectuer une commande" in mail_text(to_sophie[-1])
    page.goto(live_server.tenant_url("lumen", "/account/users"))
    assert "sophie.tremblay@belanger.example" in page.content()
    row = page.locator("tr", has_text="Sophie Tremblay")
    assert "Effectuer une commande" in row.inner_text()


def test_en_signed_in_pages_pass_axe(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    _sign_in(page, live_server, "jbelanger")
    for path in ("/", "/lumen/catalogue", "/lumen/orders", "/lumen/requests", "/account/users"):
        page.goto(live_server.tenant_url("lumen", path))
        check_accessibility(page)
    page.goto(live_server.tenant_url("lumen", "/lumen/catalogue"))
    with page.expect_navigation():
        page.locator("form.lumen-add button").first.click()
    page.goto(live_server.tenant_url("lumen", "/lumen/cart"))
    assert "LUM-10001" in page.content()
    check_accessibility(page)
    page.goto(live_server.tenant_url("lumen", "/register?action=add"))
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert page.locator("#error-summary").is_visible()
    check_accessibility(page)
