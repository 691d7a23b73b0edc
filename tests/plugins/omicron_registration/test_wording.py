"""The space's name in every language, and articles that fit the product names."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.api import create_user, utcnow
from core.testing import mail_text
from plugins.omicron_registration.importers import ensure_documents
from plugins.omicron_registration.models import Document

from .conftest import PASSWORD, register, sign_in

SPACE = {"en": "Customer Area", "de": "Kundenbereich", "fr": "Espace Client"}


@pytest.fixture
async def omicron(portal, make_tenant):
    """The OMICRON tenant as ``portique demo`` creates it (its name and theme as shipped)."""
    spec = dict(portal.plugins.infos["omicron_registration"].demo_tenant)
    return await make_tenant(spec.pop("slug"), plugins=["omicron_registration"], **spec)


PAGES = ("/", "/register", "/login", "/omicron/library", "/omicron/migrate", "/register/done", "/support")


def _visible(html: str) -> str:
    """The page's text and its attributes people read (title, alt), without the markup."""
    alts = " ".join(re.findall(r'alt="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + alts


@pytest.mark.parametrize("language", ["en", "de", "fr"])
async def test_the_space_has_one_name_per_language_on_every_page(omicron, registry, tenant_client, language):
    client = tenant_client(omicron)
    await client.get(f"/locale/{language}?next=/")
    for path in PAGES:
        text = _visible((await client.get(path)).text)
        assert SPACE[language] in text, path
        for other in set(SPACE) - {language}:
            assert SPACE[other] not in text, (path, other)


@pytest.mark.parametrize("language", ["de", "fr"])
async def test_mails_name_the_space_in_the_customers_language(omicron, registry, tenant_client, mailbox, language):
    client = tenant_client(omicron)
    await client.get(f"/locale/{language}?next=/")
    await register(client, email="old.user@example.com")  # a legacy address: the migration mail
    await register(client, email="new.user@example.com", username="newuser")  # the confirmation mail
    for address in ("Old.User@Example.com", "new.user@example.com"):
        mail = await mailbox.last(address)
        assert "Customer Area" not in str(mail["Subject"]) + mail_text(mail) + str(mail["From"])
    assert SPACE[language] in str((await mailbox.last("Old.User@Example.com"))["Subject"])


async def test_an_mpd_device_takes_no_wrong_article(portal, omicron, registry, tenant_client):
    async with portal.database.session(omicron.id) as db:
        await ensure_documents(db, omicron.id, 100)
        user = await create_user(db, email="eva@acme.example", password=PASSWORD, username="eva", status="active")
        user.confirmed_at = utcnow()
        await db.commit()
        mpd = await db.scalar(select(Document.id).where(Document.family == "mpd").limit(1))
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    library = (await client.get("/omicron/library?family=mpd")).text
    document = (await client.get(f"/omicron/library/{mpd}")).text
    for page in (library, document):
        assert "owners of MPD devices" in page
        assert "a MPD" not in page
