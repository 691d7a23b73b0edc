"""Browser journey of the data export: a Luminus customer, in French on a 390 px phone, asks for the export
on the profile page (axe-checked), receives the mail and downloads the ZIP from its link, once."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from core.testing import check_accessibility, horizontal_overflow, mail_links
from tests.browser.test_luminus_journeys import _setup, _sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_fr_luminus_customer_exports_and_downloads_their_data(run_async, live_server, browser_page, tmp_path: Path):
    _setup(run_async)
    page: Any = browser_page
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "pme@boulangerie-dupont.be", "fr_BE")

    page.goto(live_server.tenant_url("luminus", "/profile"))
    section = page.locator("section", has=page.get_by_role("heading", name="Mes données"))
    assert section.is_visible()
    assert horizontal_overflow(page) == 0
    check_accessibility(page)
    with page.expect_navigation():
        section.get_by_role("button", name="Exporter mes données").click()
    assert "Nous préparons vos données" in page.locator("main").inner_text()
    assert horizontal_overflow(page) == 0
    check_accessibility(page)

    # the worker's job runs every 10 s, then renders every invoice PDF: give a loaded machine time
    (mail,) = live_server.wait_for_mail("luminus", count=1, timeout=120)
    assert mail["Subject"] == "L’exportation de vos données est prête"
    link = next(link for link in mail_links(mail) if "/profile/export/" in link)
    with page.expect_download() as info:
        page.evaluate("url => { window.location.href = url; }", link)
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("luminus-data-export-")
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        names = archive.namelist()
        core = json.loads(archive.read("core.json"))
        customers = json.loads(archive.read("luminus_energy/customers.json"))
    assert core["profile"]["email"] == "pme@boulangerie-dupont.be"
    assert customers
    assert any(name.startswith("luminus_energy/customers/") and name.endswith(".pdf") for name in names)

    page.goto(link)  # the second time: gone
    assert page.locator("h1").inner_text() == "Ce lien a déjà été utilisé"
    assert horizontal_overflow(page) == 0
    check_accessibility(page)
