"""Every Lumen mail renders in French and English; the PDF is in the signer's language."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.mail.service import render_mail
from plugins.lumen_ecommerce.models import LumenAccessRequest

from .conftest import page_csrf, request_data

ROW = SimpleNamespace(
    reference="DA-000007",
    signer_name="Émilie Côté",
    customer_number="100234",
    reason="Numéro inconnu",
    action="add",
)
USER = SimpleNamespace(full_name="Luc Gagné", username="lgagne", email="luc@example.com")
ACCOUNT = SimpleNamespace(name="Électricité Tremblay inc.", number="100234")
ORDER = SimpleNamespace(id=12, reason="Mauvaise succursale")
CASES = {
    "request_received": {"row": ROW},
    "request_rejected": {"row": ROW},
    "request_done": {"row": ROW, "users": [USER]},
    "account_created": {"user": USER, "account": ACCOUNT, "admin": True, "permission": "lumen.order_for_approval"},
    "access_added": {"user": USER, "account": ACCOUNT, "permission": "lumen.prices_only"},
    "access_removed": {"user": USER, "account": ACCOUNT, "row": ROW},
    "order_to_approve": {"order": ORDER, "buyer": USER, "total": Decimal("1234.5")},
    "order_decided": {"order": ORDER, "approved": False, "total": Decimal("1234.5")},
}
FRENCH_MARKERS = {
    "request_received": "Nous avons bien reçu",
    "request_rejected": "n’a pas été acceptée",
    "request_done": "a été traitée",
    "account_created": "Placer une commande pour approbation",
    "access_added": "Voir les prix uniquement",
    "access_removed": "a été retiré",
    "order_to_approve": "1\xa0234,50",
    "order_decided": "a été refusée",
}


@pytest.mark.parametrize("template", sorted(CASES))
async def test_every_mail_renders_in_both_languages(lumen, portal, template):
    subject_fr, text_fr, _ = render_mail(lumen, f"lumen_ecommerce/{template}", CASES[template], "fr_CA")
    subject_en, text_en, _ = render_mail(lumen, f"lumen_ecommerce/{template}", CASES[template], "en_CA")
    assert subject_fr.startswith("Lumen")
    assert subject_fr != subject_en
    assert FRENCH_MARKERS[template] in text_fr
    assert "L’équipe du commerce électronique Lumen" in text_fr
    assert "The Lumen e-commerce team" in text_en
    assert "{{" not in text_fr + text_en


async def test_pdf_is_in_the_signers_language(lumen, tenant_client, portal):
    client = tenant_client(lumen)  # French, the tenant's default
    csrf = await page_csrf(client)
    assert (await client.post("/register", data=request_data(csrf))).status_code == 303
    async with portal.database.session(lumen.id) as db:
        row = await db.scalar(select(LumenAccessRequest))
    assert row is not None
    assert row.locale == "fr_CA"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(row.pdf or b"")).pages)
    for expected in (
        "demande d’accès",
        "Signée par : Émilie",
        "Référence : DA-000001",
        "Émilie Côté",
        "préavis de trente (30) jours",
        "(514) 555-0123",
    ):
        assert expected in text, expected
