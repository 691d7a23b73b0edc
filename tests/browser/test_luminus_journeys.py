"""Browser journeys of the Luminus SME space (French and Dutch): change the advance with the slider and see
the projected settlement move; be refused for an unpaid invoice; add then delete an index; download an
invoice PDF and an Excel statement (opened and checked); activate direct debit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_text
from plugins.luminus_energy.demo import DEMO_PASSWORD, create_demo_data

pytestmark = pytest.mark.browser

LUMINUS = {
    "slug": "luminus",
    "name": "Luminus PME",
    "plugins": ["luminus_energy"],
    "theme": "luminus",
    "locales": ["fr_BE", "nl_BE"],
    "default_locale": "fr_BE",
    "timezone": "Europe/Brussels",
    "country": "BE",
    "ticket_prefix": "LUX",
}


def _setup(run_async: Any) -> None:
    async def body(portal: Any) -> None:
        async with portal.database.session() as db:
            tenant = await create_tenant(db, portal.plugins, **LUMINUS)
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_demo_data(tenant, db)
            await db.commit()

    run_async(body)


def _sign_in(page: Any, live_server: Any, email: str, locale: str) -> None:
    page.goto(live_server.tenant_url("luminus", f"/locale/{locale}?next=/login"))
    page.fill("#login", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/login" not in page.url, page.locator("main").inner_text()[:500]


def _download(page: Any, action: Any, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        action()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_fr_slider_projection_change_index_pdf_excel_and_direct_debit(run_async, live_server, browser_page, tmp_path):
    _setup(run_async)
    page = browser_page
    _sign_in(page, live_server, "pme@boulangerie-dupont.be", "fr_BE")
    assert "Espace client PME" in page.content()

    # Advance: the slider moves the projected settlement live (JavaScript), the server confirms.
    page.goto(live_server.tenant_url("luminus", "/luminus/advance/change"))
    assert page.locator("h1").inner_text() == "Changer votre montant d'acompte"
    block = page.locator(".luminus-slider").first
    slider = block.locator("input[type=range]")
    assert slider.is_visible()
    before = block.locator("[data-settlement]").inner_text()
    label_before = block.locator(".projection-label").inner_text()
    maximum = slider.get_attribute("max")
    slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", maximum)
    after = block.locator("[data-settlement]").inner_text()
    assert after != before
    assert block.locator(".projection-label").inner_text() == "Remboursement estimé"
    assert label_before == "Supplément à payer estimé"
    assert block.locator("input[type=number]").input_value() == maximum
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Modifier").click()
    assert "Votre nouveau montant d'acompte a été enregistré" in page.locator("main").inner_text()
    mails = live_server.wait_for_mail("luminus", count=1)
    assert "acompte" in str(mails[-1]["Subject"]).lower()

    page.goto(live_server.tenant_url("luminus", "/luminus/advance"))
    assert "Historique des modifications" in page.locator("main").inner_text()
    check_accessibility(page)

    # Readings: add an index, then delete it with the cross.
    page.goto(live_server.tenant_url("luminus", "/luminus/readings"))
    register_input = page.locator("input[name^=index_]").first
    history = page.locator("tbody tr[data-reading] td.num").all_inner_texts()
    latest = max(int("".join(ch for ch in cell.split("kWh")[0] if ch.isdigit())) for cell in history)
    for field in page.locator("input[name^=index_]").all():
        field.fill(str(latest + 3000))
    assert register_input.is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    if page.locator("[data-warning=implausible]").count():
        page.check("#confirm_implausible")
        with page.expect_navigation():
            page.get_by_role("button", name="Confirmer").click()
    assert "votre index de compteur a été enregistré" in page.locator("main").inner_text()
    check_accessibility(page)
    crosses = page.locator("button[data-delete]")
    assert crosses.count() >= 1
    with page.expect_navigation():
        crosses.first.click()
    assert "L'index a été supprimé." in page.locator("main").inner_text()

    # Invoices: download the newest PDF and read it.
    page.goto(live_server.tenant_url("luminus", "/luminus/invoices"))
    check_accessibility(page)
    pdf = _download(page, lambda: page.locator("a[download]").first.click(), tmp_path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Boulangerie Dupont SRL" in text
    assert "Numéro de client" in text

    # Statement per EAN in Excel: open the file and check typed content.
    page.goto(live_server.tenant_url("luminus", "/luminus/statement"))
    check_accessibility(page)
    xlsx = _download(page, lambda: page.get_by_role("button", name="Exporter").click(), tmp_path)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet["A1"].value == "Extrait de compte"
    assert sheet["B3"].value.startswith("54")
    headers = [c.value for c in sheet[6]]
    assert headers[:2] == ["Date", "Document"]
    assert headers[4] == "Débit"
    assert sheet.cell(7, 1).is_date

    # Direct debit.
    page.goto(live_server.tenant_url("luminus", "/luminus/payment-method"))
    page.fill("#iban", "BE71 0961 2345 6768")
    page.check("#scope-1")
    page.check("#consent")
    with page.expect_navigation():
        page.get_by_role("button", name="Activer la domiciliation").click()
    assert page.locator("#iban-error").is_visible()
    check_accessibility(page)
    page.fill("#iban", "BE71 0961 2345 6769")
    page.check("#consent")
    with page.expect_navigation():
        page.get_by_role("button", name="Activer la domiciliation").click()
    assert "La domiciliation est active" in page.locator("main").inner_text()
    assert "078 155 230" in page.content()
    check_accessibility(page)
    mails = live_server.wait_for_mail("luminus", count=2)
    assert "domiciliation" in mail_text(mails[-1]).lower()


def test_nl_unpaid_invoice_refuses_the_advance_then_index_and_excel_in_dutch(
    run_async, live_server, browser_page, tmp_path
):
    _setup(run_async)
    page = browser_page
    _sign_in(page, live_server, "info@bakkerij-peeters.be", "nl_BE")
    assert "Klantenzone kmo" in page.content()
    page.goto(live_server.tenant_url("luminus", "/luminus/advance/change"))
    assert page.locator("h1").inner_text() == "Uw voorschotbedrag wijzigen"
    refusal = page.locator("[data-refusal=unpaid]")
    assert "onbetaalde factuur" in refusal.inner_text()
    assert page.locator("input[type=range]").count() == 0
    assert "078 155 230" in page.content()
    check_accessibility(page)
    page.get_by_role("link", name="Mijn facturen betalen").click()
    page.wait_for_url("**/luminus/invoices")
    assert page.locator("[data-status=overdue]").count() >= 1
    assert page.locator("h1").inner_text() == "Facturen en betalingen"
    check_accessibility(page)

    # Add an index and delete it, in Dutch.
    page.goto(live_server.tenant_url("luminus", "/luminus/readings"))
    history = page.locator("tbody tr[data-reading] td.num").all_inner_texts()
    latest = max(int("".join(ch for ch in cell.split("kWh")[0] if ch.isdigit())) for cell in history)
    page.locator("input[name^=index_]").first.fill(f"{latest + 1500},7")
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    assert "Geef alleen de cijfers vóór de komma op." in page.locator("#error-summary").inner_text()
    page.locator("input[name^=index_]").first.fill(str(latest + 1500))
    with page.expect_navigation():
        page.get_by_role("button", name="Bevestigen").click()
    if page.locator("[data-warning=implausible]").count():
        page.check("#confirm_implausible")
        with page.expect_navigation():
            page.get_by_role("button", name="Bevestigen").click()
    assert "uw meterstand is opgeslagen" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("button[data-delete]").first.click()
    assert "De meterstand is verwijderd." in page.locator("main").inner_text()

    # Excel statement with Dutch headers.
    page.goto(live_server.tenant_url("luminus", "/luminus/statement"))
    page.fill("#start", "2025-01-01")
    xlsx = _download(page, lambda: page.get_by_role("button", name="Exporteren").click(), tmp_path)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet["A1"].value == "Rekeninguittreksel"
    assert [c.value for c in sheet[6]][:5] == ["Datum", "Document", "Nummer", "Vervaldag", "Debet"]
    assert isinstance(sheet.cell(7, 5).value, (int, float))

    # Reminder fee: cancellation refused while the invoice is unpaid, with a link to it.
    page.goto(live_server.tenant_url("luminus", "/luminus/reminder-fees"))
    with page.expect_navigation():
        page.locator("button[data-cancel]").first.click()
    refused = page.locator("[data-refused=unpaid]")
    assert "Gelieve ze eerst te betalen" in refused.inner_text()
    assert refused.get_by_role("link").get_attribute("href").split("#")[1].startswith("invoice-")
    check_accessibility(page)

    page.goto(live_server.tenant_url("luminus", "/luminus/moving"))
    assert "overnamedocument energie" in page.locator("main").inner_text()
    check_accessibility(page)


def _check_region(page: Any, selector: str) -> None:
    """No serious or critical axe finding inside ``selector`` (colour contrast included)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    bad = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, bad


def test_phone_chart_first_and_readable_invoices_paged_language_kept_at_sign_in(
    run_async, live_server, browser_page, tmp_path
):
    _setup(run_async)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    # The language chosen before signing in stays, and the page offers to save it (Dupont's profile says French).
    _sign_in(page, live_server, "pme@boulangerie-dupont.be", "nl_BE")
    assert page.locator("html").get_attribute("lang") == "nl-BE"
    offer = page.locator("[data-locale-offer]")
    assert "Opslaan in mijn profiel" in offer.inner_text()
    check_accessibility(page)
    with page.expect_navigation():
        offer.get_by_role("button", name="Opslaan in mijn profiel").click()
    assert "Uw taal is opgeslagen in uw profiel." in page.locator("main").inner_text()
    assert page.locator("[data-locale-offer]").count() == 0

    # The consumption chart comes first, with an axis, values and a unit, legible on a phone.
    page.goto(live_server.tenant_url("luminus", "/luminus/readings"))
    chart = page.locator("svg.luminus-chart-svg")
    assert chart.bounding_box()["y"] < page.locator("#add-index").bounding_box()["y"]
    assert chart.bounding_box()["y"] < page.locator("#history-heading").bounding_box()["y"]
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.luminus-chart-svg text')].map(
            t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"""
    )
    assert min(sizes) >= 11.5, sizes  # month labels, values, ticks and unit: no more 5 px labels
    months = chart.locator("text.month").all_text_contents()
    assert len(months) == 12
    assert all(any(ch.isdigit() for ch in month) for month in months)  # « nov 2025 »: the year too
    assert any("kWh" in value for value in chart.locator("text.value").all_text_contents())
    assert chart.locator("text.tick").count() >= 3
    overlaps = page.evaluate(
        """() => {
            const svg = document.querySelector('svg.luminus-chart-svg').getBoundingClientRect();
            const bad = [];
            for (const t of document.querySelectorAll('svg.luminus-chart-svg text.month')) {
                const box = t.getBoundingClientRect();
                if (box.left < svg.left - 0.5) bad.push(t.textContent);
            }
            for (const t of document.querySelectorAll('svg.luminus-chart-svg text.value')) {
                if (t.getBoundingClientRect().right > svg.right + 0.5) bad.push(t.textContent);
            }
            return bad;
        }"""
    )
    assert overlaps == []
    assert chart.bounding_box()["x"] + chart.bounding_box()["width"] <= 390  # the chart fits the phone
    page.locator("details.luminus-chart-table summary").click()
    assert page.locator("details.luminus-chart-table tbody tr").count() == 12
    table = page.locator("details.luminus-chart-table table").bounding_box()
    assert table["x"] + table["width"] <= 390
    _check_region(page, "section.luminus-consumption")  # the chart and its table, on the phone
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page)  # the whole page
    page.set_viewport_size({"width": 390, "height": 844})

    # The invoices come 20 a page; the older page keeps the tab.
    page.goto(live_server.tenant_url("luminus", "/luminus/invoices"))
    assert page.locator("tr[id^=invoice-]").count() == 20
    first_page = page.locator("tr[id^=invoice-]").first.get_attribute("id")
    with page.expect_navigation():
        page.get_by_role("link", name="Oudere facturen").click()
    assert "tab=invoices" in page.url
    assert "older=" in page.url
    assert page.locator("tr[id^=invoice-]").first.get_attribute("id") != first_page
    assert "Facturen 21 tot 40 van" in page.locator("main").inner_text()
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Recentere facturen").click()
    assert page.locator("tr[id^=invoice-]").first.get_attribute("id") == first_page
