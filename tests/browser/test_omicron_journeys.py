"""Browser journeys on the OMICRON Customer Area (English and French)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_links

pytestmark = pytest.mark.browser

PASSWORD = "Transformer-Test-2026"  # a test password
SLUG = "omicron"


OPERATOR_PASSWORD = "Operator-Console-2026"


def _omicron(run_async) -> str:
    """The OMICRON tenant with its demo registry, library, updates and legacy account, and an operator.

    :return: the operator's TOTP secret.
    """

    async def body(portal):
        from core.staff.accounts import create_staff
        from plugins.omicron_registration.demo import create_demo_data

        async with portal.database.session() as db:
            tenant = await create_tenant(
                db,
                portal.plugins,
                slug=SLUG,
                name="OMICRON",
                plugins=["omicron_registration"],
                theme="omicron",
                locales=["en", "de", "fr"],
                default_locale="en",
            )
            staff = await create_staff(
                db, email="operator@ops.test", name="Olivia Operator", password=OPERATOR_PASSWORD, role="operator"
            )
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_demo_data(tenant, db)
            await db.commit()
        return staff.totp_secret

    return run_async(body)


def _url(live_server, path: str) -> str:
    """A page of the tenant on its own host name (``omicron.localhost``), as customers reach it."""
    return live_server.url.replace("127.0.0.1", f"{SLUG}.localhost") + path


def _core_csrf_field(page) -> None:
    """Work around a core bug: ``console/login.html`` imports ``macros/forms.html`` without context, so its
    ``forms.csrf()`` field is empty in a real browser; the page's ``csrf-token`` meta tag has the token."""
    page.evaluate(
        "document.querySelectorAll('input[name=csrf_token]').forEach("
        "i => { if (!i.value) i.value = document.querySelector('meta[name=csrf-token]').content; })"
    )


def _link(live_server, message, marker: str) -> str:
    """The link of a mail, on the tenant's host name."""
    link = next(link for link in mail_links(message) if marker in link)
    return _url(live_server, link.split(f"/t/{SLUG}", 1)[1])


def test_register_with_a_known_serial_then_topics_fill_the_dashboard(run_async, live_server, browser_page):
    _omicron(run_async)
    page = browser_page
    page.goto(_url(live_server, "/register"))
    check_accessibility(page)
    page.fill("input[name=first_name]", "Eva")
    page.fill("input[name=last_name]", "Muster")
    page.fill("input[name=email]", "eva.muster@acme.example")
    page.fill("input[name=username]", "evamuster")
    page.fill("input[name=company]", "Acme GmbH")
    page.select_option("select[name=country]", "AT")
    page.fill("input[name=serial_number]", "cd456y")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.check("input[name=accept_terms]")
    page.locator("form[action$='/register'] button[type=submit]").click()
    page.wait_for_url("**/register/done")
    assert "14 days" in page.content()
    check_accessibility(page)

    confirm = _link(live_server, live_server.wait_for_mail(SLUG)[-1], "/confirm/")
    page.goto(confirm)
    assert "verified automatically" in page.content()
    check_accessibility(page)

    page.goto(_url(live_server, "/login"))
    page.fill("input[name=login]", "eva.muster@acme.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/login'] button[type=submit]").click()
    page.wait_for_url(f"{_url(live_server, '/')}")
    assert "Choose my topics" in page.content()

    page.goto(_url(live_server, "/omicron/interests"))
    check_accessibility(page)
    page.check("#family-franeo")
    page.get_by_role("button", name="Save my topics").click()
    page.wait_for_url(f"{_url(live_server, '/')}")
    documents = page.locator("[data-widget=documents] li")
    assert documents.count() == 5
    assert all("FRANEO" in text for text in documents.all_inner_texts())
    languages = [link.get_attribute("lang") for link in page.locator("[data-widget=documents] a").all()]
    assert languages[0] == "en"  # the reader's language first
    check_accessibility(page)
    page.locator("[data-widget=documents] a").first.click()
    page.wait_for_url("**/omicron/library/*")
    assert page.locator("h1").inner_text().startswith("FRANEO")
    assert "owners of FRANEO devices" in page.content()  # no FRANEO device: no download yet
    check_accessibility(page)
    page.goto(_url(live_server, "/"))

    page.goto(_url(live_server, "/omicron/updates"))
    assert "CMC_356_5.00.zip" in page.content()  # the registered CMC device unlocks its family's updates
    check_accessibility(page)
    page.goto(_url(live_server, "/omicron/library"))
    page.select_option("#family", "cmc")
    page.select_option("#language", "de")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**family=cmc**")
    results = page.locator(".omicron-doc-list li")
    assert results.count() == 20
    assert results.first.get_by_role("link", name="Download").is_visible()  # owner of a CMC device
    check_accessibility(page)
    with page.expect_download() as download_info:
        results.first.get_by_role("link", name="Download").click()
    pdf = Path(download_info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "de"  # the document's language, German here
    assert "Produktfamilie" in reader.pages[0].extract_text()
    page.get_by_role("link", name="Next page").click()
    assert "Page 2 of" in page.content()
    page.goto(_url(live_server, "/omicron/devices"))
    assert "CD456Y" in page.content()
    check_accessibility(page)


def test_legacy_user_migrates_in_french_and_keeps_the_username(run_async, live_server, browser_page):
    _omicron(run_async)
    page = browser_page
    page.goto(_url(live_server, "/locale/fr?next=/omicron/migrate"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Migrer votre compte existant" in page.content()
    check_accessibility(page)
    page.fill("input[name=email]", "martin.keller@netzbetrieb-demo.example")
    page.get_by_role("button", name="M’envoyer le lien").click()
    assert "Consultez votre messagerie" in page.content()

    message = live_server.wait_for_mail(SLUG)[-1]
    assert "Migrez votre compte" in str(message["Subject"]) or "Migrez" in message.get("Subject", "")
    page.goto(_link(live_server, message, "/omicron/migrate/"))
    assert "mkeller" in page.content()
    check_accessibility(page)
    page.select_option("select[name=country]", "DE")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.check("input[name=accept_terms]")
    page.get_by_role("button", name="Migrer mon compte").click()
    page.wait_for_url("**/omicron/welcome")
    assert "mkeller" in page.content()
    assert "Bienvenue sur le nouveau portail" in page.content()
    check_accessibility(page)


def test_unknown_serial_waits_for_the_operator_then_the_customer_signs_in_by_email(
    run_async, live_server, browser_page
):
    import pyotp

    secret = _omicron(run_async)
    page = browser_page
    page.goto(_url(live_server, "/"))
    assert "Register now" in page.content()
    check_accessibility(page)
    page.goto(_url(live_server, "/register"))
    for name, value in {
        "first_name": "Paul",
        "last_name": "Pending",
        "email": "paul@utility.example",
        "username": "paulpending",
        "company": "Utility Example SA",
        "serial_number": "ZZ999Z",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=country]", "FR")
    page.check("input[name=accept_terms]")
    page.locator("form[action$='/register'] button[type=submit]").click()
    page.wait_for_url("**/register/done")
    page.goto(_link(live_server, live_server.wait_for_mail(SLUG)[-1], "/confirm/"))
    assert "This can take some time" in page.content()
    check_accessibility(page)

    operator_context = browser_page.context.browser.new_context(locale="en-US")
    operator = operator_context.new_page()
    operator.set_default_timeout(10_000)
    operator.goto(f"{live_server.url}/console/login")
    _core_csrf_field(operator)
    operator.fill("input[name=email]", "operator@ops.test")
    operator.fill("input[name=password]", OPERATOR_PASSWORD)
    operator.fill("input[name=code]", pyotp.TOTP(secret).now())
    operator.locator("form button[type=submit]").click()
    operator.wait_for_load_state()
    operator.goto(f"{live_server.url}/console/approvals")
    card = operator.locator("section.approval", has_text="paul@utility.example")
    assert "ZZ999Z" in card.inner_text()
    assert "not in the registry" in card.inner_text()
    card.get_by_role("button", name="Approve").click()
    operator.wait_for_load_state()

    mails = live_server.wait_for_mail(SLUG, count=2)
    assert any(message["To"] == "paul@utility.example" for message in mails[1:])
    page.goto(_url(live_server, "/login"))
    page.fill("input[name=login]", "paul@utility.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/login'] button[type=submit]").click()
    page.wait_for_url(_url(live_server, "/"))
    assert "Paul" in page.locator("h1").inner_text()
    assert "ZZ999Z has been accepted" in page.locator("[data-widget=waiting]").inner_text()
    check_accessibility(page)
    page.goto(_url(live_server, "/omicron/devices"))
    assert "being added to our registry" in page.locator("[data-state=registry]").inner_text()
    check_accessibility(page)

    # the operator brings the device into the registry: it becomes Paul's, and Paul is told
    operator.goto(f"{live_server.url}/console/imports")
    _core_csrf_field(operator)
    devices_sold = operator.locator("select[name=importer] option", has_text="Devices sold").get_attribute("value")
    operator.select_option("select[name=importer]", devices_sold)
    operator.set_input_files(
        "input[name=file]",
        files=[{"name": "devices.csv", "mimeType": "text/csv",
                "buffer": b"serial_number,product,country,owner_company,sold_on\nZZ999Z,MPD 800,FR,,2024-05-02\n"}],
    )  # fmt: skip
    operator.get_by_role("button", name="Check the file").click()
    operator.wait_for_load_state()
    _core_csrf_field(operator)
    operator.get_by_role("button", name="Import every row").click()
    operator.wait_for_load_state()
    mails = live_server.wait_for_mail(SLUG, count=3)
    assert "ZZ999Z" in str(mails[-1]["Subject"])
    page.reload()
    assert "MPD 800" in page.locator("table").inner_text()
    assert page.locator("[data-state=registry]").count() == 0
    operator_context.close()


def test_a_former_customer_enters_only_the_email_on_the_registration_page_in_german(
    run_async, live_server, browser_page
):
    _omicron(run_async)
    page = browser_page
    page.goto(_url(live_server, "/locale/de?next=/register"))
    page.fill("input[name=email]", "martin.keller@netzbetrieb-demo.example")
    page.locator("form[action$='/register'] button[type=submit]").click()
    page.wait_for_url("**/omicron/migrate/sent")
    assert "Prüfen Sie Ihr Postfach" in page.content()
    care = page.locator("[data-customer-care=no_mail] a")
    assert care.get_attribute("href").startswith("mailto:customer.care@omicronenergy.com")
    check_accessibility(page)
    message = live_server.wait_for_mail(SLUG)[-1]
    assert "Kundenbereich" in str(message["Subject"])
    page.goto(_link(live_server, message, "/omicron/migrate/"))
    assert "mkeller" in page.content()
    page.select_option("select[name=country]", "DE")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    page.check("input[name=accept_terms]")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/omicron/welcome")
    assert "mkeller" in page.content()
    check_accessibility(page)
