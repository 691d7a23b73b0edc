"""Library documents are real PDFs in their own language; the dashboard links to them, the reader's language first."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core.api import create_user, utcnow
from plugins.omicron_registration.backend import LocalBackend
from plugins.omicron_registration.importers import ensure_documents
from plugins.omicron_registration.library_pdf import page_count
from plugins.omicron_registration.models import Document, UserInterest

from .conftest import PASSWORD, sign_in

WORDS = {
    "en": ("Safety instructions", "Product family", "Page 2 of"),
    "de": ("Sicherheitshinweise", "Produktfamilie", "Seite 2 von"),
    "fr": ("Consignes de sécurité", "Famille de produits", "Page 2 sur"),
}


async def _library(portal, omicron, *, locale: str | None = None) -> dict[str, int]:
    """300 documents, a customer owning a CMC device (AB123Z is a CPC: CD456Y, a CMC) who follows CMC."""
    async with portal.database.session(omicron.id) as db:
        await ensure_documents(db, omicron.id, 300)
        user = await create_user(db, email="eva@acme.example", password=PASSWORD, username="eva", status="active",
                                 company="Acme GmbH", locale=locale)  # fmt: skip
        user.confirmed_at = utcnow()
        assert await LocalBackend().claim(db, "CD456Y", user.id, "Acme GmbH")
        db.add(UserInterest(user_id=user.id, kind="family", code="cmc"))
        await db.commit()
        manuals = {
            language: await db.scalar(
                select(Document.id)
                .where(Document.family == "cmc", Document.doc_type == "manual", Document.language == language)
                .limit(1)
            )
            for language in WORDS
        }
    return manuals


@pytest.mark.parametrize("language", ["en", "de", "fr"])
async def test_a_download_is_a_pdf_of_the_document_in_its_language(portal, omicron, registry, tenant_client, language):
    manuals = await _library(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    response = await client.get(f"/omicron/library/{manuals[language]}/download")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert re.fullmatch(r'attachment; filename="omicron-\d+-[a-z0-9-]+\.pdf"', response.headers["content-disposition"])
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    async with portal.database.session(omicron.id) as db:
        document = await db.get(Document, manuals[language])
    assert reader.metadata.title == document.title
    assert reader.metadata.author == "OMICRON"
    assert reader.trailer["/Root"]["/Lang"] == language
    assert len(reader.pages) == page_count(document) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    product = document.summary.split(" · ")[0]
    assert product in text
    for words in WORDS[language]:
        assert words in text
    for other in set(WORDS) - {language}:
        assert WORDS[other][0] not in text  # not the other languages'
    assert len(text) > 400 * len(reader.pages)  # pages of text, not a placeholder


async def test_the_pdf_is_the_same_at_every_download(portal, omicron, registry, tenant_client):
    manuals = await _library(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    first = await client.get(f"/omicron/library/{manuals['de']}/download")
    again = await client.get(f"/omicron/library/{manuals['de']}/download")
    assert first.content == again.content


async def test_an_english_reader_sees_english_documents_first_and_a_german_one_german(
    portal, omicron, registry, tenant_client
):
    await _library(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    english = await client.get("/")
    languages = re.findall(r'<a href="[^"]*/omicron/library/\d+" lang="([a-z]+)">', english.text)
    assert languages
    assert languages[0] == "en"
    assert languages[:5] == ["en"] * 5  # the library has enough English CMC documents for the reading list
    await client.get("/locale/de?next=/")
    german = await client.get("/")
    languages = re.findall(r'<a href="[^"]*/omicron/library/\d+" lang="([a-z]+)">', german.text)
    assert languages[:5] == ["de"] * 5


async def test_every_dashboard_item_is_a_link_that_works(portal, omicron, registry, tenant_client):
    from datetime import date

    from plugins.omicron_registration.models import SoftwareUpdate

    async with portal.database.session(omicron.id) as db:
        db.add(SoftwareUpdate(family="cmc", product="CMC 356", version="4.30", released_on=date(2026, 3, 1),
                              file_key="missing", file_name="CMC_356_4.30.zip"))  # fmt: skip
        await db.commit()
    await _library(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    page = (await client.get("/")).text
    documents = re.findall(r'href="(/omicron/library/\d+)"', page)
    assert len(documents) == 9  # 5 to read, 4 videos and articles
    for path in documents:
        detail = await client.get(path)
        assert detail.status_code == 200
        assert "Download the PDF" in detail.text  # CMC documents, and the reader owns a CMC device
    updates = re.findall(r'href="(/omicron/updates/\d+/download)"', page)
    assert updates


async def test_a_document_page_tells_who_may_download_it(portal, omicron, registry, tenant_client):
    await _library(portal, omicron)
    async with portal.database.session(omicron.id) as db:
        cpc = await db.scalar(select(Document.id).where(Document.family == "mpd").limit(1))
    visitor = await tenant_client(omicron).get(f"/omicron/library/{cpc}")
    assert visitor.status_code == 200
    assert "Register now" in visitor.text
    assert "/download" not in visitor.text
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    other_family = await client.get(f"/omicron/library/{cpc}")
    assert "for owners of MPD devices" in other_family.text  # no article to get wrong
    assert "/download" not in other_family.text
    assert (await client.get(f"/omicron/library/{cpc}/download")).status_code == 403
    assert (await client.get("/omicron/library/999999")).status_code == 404


def test_fpdf2_is_not_loaded_with_the_plugin():
    """fpdf2 and fontTools load with the first PDF: a web process that serves none never holds them."""
    code = (
        "import sys; import plugins.omicron_registration, plugins.omicron_registration.library, "
        "plugins.omicron_registration.library_pdf; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fpdf', 'fontTools')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.strip() == "[]"
