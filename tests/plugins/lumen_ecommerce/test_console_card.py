"""The operator's view of a signed request: a labelled, translated approval card; importers in the
console's language; the evidence PDF's typography (one colon, left-aligned lines)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy import select

from core.api import ApprovalRequest, format_datetime, use_locale
from core.console.approvals import approval_card
from core.staff.accounts import create_staff
from core.testing import csrf_of
from plugins.lumen_ecommerce.models import LumenAccessRequest

from .conftest import page_csrf, request_data

RAW_KEYS = ("request_id", "content_hash", "pdf_url", "signed_at", "customer_number")


@pytest.fixture
async def console(app, portal):
    async with portal.database.session() as db:
        operator = await create_staff(
            db, email="ops@portique.example", name="Ops", password="operator-password-2026", role="operator"
        )
        secret = operator.totp_secret
        await db.commit()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://localhost", headers={"Accept-Language": "fr"}
    ) as client:
        token = csrf_of((await client.get("/console/login")).text)
        signed = await client.post(
            "/console/login",
            data={
                "csrf_token": token,
                "email": "ops@portique.example",
                "password": "operator-password-2026",
                "code": pyotp.TOTP(secret).now(),
            },
        )
        assert signed.status_code == 303
        yield client


async def _signed_request(lumen, tenant_client, portal) -> LumenAccessRequest:
    client = tenant_client(lumen)
    client.headers["Accept-Language"] = "fr-CA"
    csrf = await page_csrf(client)
    response = await client.post("/register", data=request_data(csrf))
    assert response.status_code == 303
    async with portal.database.session(lumen.id) as db:
        return await db.scalar(select(LumenAccessRequest))


async def test_the_approval_card_is_labelled_translated_and_links_the_evidence(lumen, tenant_client, portal, console):
    row = await _signed_request(lumen, tenant_client, portal)
    page = await console.get("/console/approvals")
    card = re.search(r'<section class="card approval".*?</section>', page.text, re.S).group(0)
    for key in RAW_KEYS:
        assert f"<dt>{key}</dt>" not in card
    assert row.signed_at.isoformat() not in re.sub(r"<[^>]+>", "", card)  # only the <time> element carries it
    assert "<dt>Empreinte du contenu (SHA-256)</dt>" in card
    assert f"<code>{row.content_hash}</code>" in card
    assert "<dt>Numéro de compte LUMEN</dt>" in card or "<dt>Numéro de compte Lumen</dt>" in card
    assert "Créer un compte eCommerce" in card  # the action's label, not "create"
    with use_locale("fr", portal.translations(None, "fr")):
        when = format_datetime(row.signed_at, "medium", tz=lumen.timezone)
    assert f">{when}</time>" in card
    link = re.search(r'<a href="([^"]+)"[^>]*>Demande signée DA-000001 \(PDF\)</a>', card)
    assert link, card
    assert link.group(1).endswith(f"/lumen/requests/lumen/{row.id}/pdf")
    assert (await console.get(urlsplit(link.group(1)).path)).content.startswith(b"%PDF")


async def test_the_card_asks_only_the_plugin_that_filed_the_request(lumen, portal):
    impls = {impl.plugin_name for impl in portal.hooks(lumen).portique_approval_fields.get_hookimpls()}
    assert {"lumen_ecommerce", "identity"} <= impls
    foreign = ApprovalRequest(plugin="someone_else", kind="access_request", title="x", payload={"reference": "R-1"})
    fields = approval_card(lumen, foreign)
    assert fields == [{"label": "reference", "value": "R-1", "kind": "text", "link_text": "R-1"}]
    unsafe = ApprovalRequest(
        plugin="lumen_ecommerce", kind="access_request", title="x", payload={"pdf_url": "javascript:alert(1)"}
    )
    assert all(field["kind"] != "link" for field in approval_card(lumen, unsafe))


async def test_importers_are_named_in_the_consoles_language(lumen, console):
    page = await console.get("/console/imports")
    assert "Clients Lumen" in page.text
    assert "Lumen customers" not in page.text
    csrf = csrf_of(page.text)
    bad = "sku,name_fr,name_en,price,unit\n,,,abc,\n"
    response = await console.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{lumen.id}:products"},
        files={"file": ("products.csv", bad.encode(), "text/csv")},
    )
    assert response.status_code == 400
    assert "The product code is missing" not in response.text  # the plugin's message, in French
    assert "Le code de produit" in response.text or "code produit" in response.text


async def test_the_evidence_pdf_has_one_colon_and_left_aligned_lines(lumen, tenant_client, portal, monkeypatch):
    from fpdf import FPDF

    written: list[tuple[str, str]] = []
    original = FPDF.multi_cell

    def spy(self, w, h=None, text="", *args, **kwargs):
        written.append((str(text), str(kwargs.get("align", "J"))))
        return original(self, w, h, text, *args, **kwargs)

    monkeypatch.setattr(FPDF, "multi_cell", spy)
    client = tenant_client(lumen)
    client.headers["Accept-Language"] = "fr-CA"
    client.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " * 2
    csrf = await page_csrf(client)
    assert (await client.post("/register", data=request_data(csrf))).status_code == 303
    texts = [text for text, _align in written]
    applies = next(text for text in texts if text.startswith("Cette demande s’applique-t-elle à"))
    assert applies.count(":") == 1, applies
    assert not any(re.search(r"[:?]\s*:", text) for text in texts), texts
    browser = next((text, align) for text, align in written if "Mozilla/5.0" in text)
    assert browser[1] == "L"
    labelled = [(text, align) for text, align in written if ":" in text and len(text) < 300]
    assert labelled
    assert all(align == "L" for _text, align in labelled)
