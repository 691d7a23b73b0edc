"""Support categories, registry imports and demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api import User
from core.ticketing.forms import FIELD_PREFIX
from core.ticketing.models import Ticket
from plugins.lumen_ecommerce.demo import create_demo_data
from plugins.lumen_ecommerce.importers import importers
from plugins.lumen_ecommerce.models import LumenCustomer, LumenProduct

from .conftest import page_csrf


async def test_support_lists_the_seed_categories_in_french(lumen, tenant_client):
    html = (await tenant_client(lumen).get("/support")).text
    for name in (
        "Commerce électronique",
        "Application mobile",
        "Gestion CMEQ",
        "Intégrations (ACCEO, Maestro et autres ERP)",
    ):
        assert name in html
    assert "Hydro-Québec" in html


async def test_visitor_opens_an_integrations_ticket_with_an_attachment(lumen, tenant_client, portal):
    client = tenant_client(lumen)
    client.headers.update({"Accept-Language": "en-CA"})
    page = await client.get("/support/new/integrations")
    assert page.status_code == 200
    assert "24/48 business hours" in page.text
    assert "1 800 555-0199" in page.text  # e-commerce advisors, from the theme
    assert "ElekNet username" in page.text
    csrf = await page_csrf(client, "/support/new/integrations")
    data = {
        "csrf_token": csrf,
        "name": "Paul Ouellet",
        "email": "paul@ouellet.example",
        "subject": "Maestro export fails",
        f"{FIELD_PREFIX}phone": "418 555-0142",
        f"{FIELD_PREFIX}customer_number": "100234",
        f"{FIELD_PREFIX}eleknet_username": "pouellet",
        "description": "The nightly export to Maestro stops at 2 a.m.",
    }
    files = {"attachments": ("screenshot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")}
    response = await client.post("/support/new/integrations", data=data, files=files)
    assert response.status_code in (302, 303), response.text[:2000]
    async with portal.database.session(lumen.id) as db:
        ticket = await db.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.category == "integrations"
    assert ticket.fields["eleknet_username"] == "pouellet"
    assert ticket.reference.startswith("LUM")


async def test_customer_import_validates_then_applies(lumen, portal):
    customers = next(i for i in importers() if i.code == "customers")
    rows = [
        {"number": "300100", "name": "Nouveau client", "status": "active", "postal_code": "h2x1y4"},
        {"number": "12", "name": "", "status": "maybe", "postal_code": "99999"},
        {"number": "300100", "name": "Doublon", "status": "inactive"},
    ]
    async with portal.database.session(lumen.id) as db:
        errors = await customers.validate(db, lumen, rows)
        assert {(e.line, e.column) for e in errors} == {
            (3, "number"),
            (3, "name"),
            (3, "status"),
            (3, "postal_code"),
            (4, "number"),
        }
        assert await customers.apply(db, lumen, rows[:1]) == 1
        await db.commit()
        row = await db.scalar(select(LumenCustomer).where(LumenCustomer.number == "300100"))
    assert row is not None
    assert row.active
    assert row.postal_code == "H2X 1Y4"


async def test_product_import(lumen, portal):
    products = next(i for i in importers() if i.code == "products")
    rows = [{"sku": "LUM-99999", "name_fr": "Gaine", "name_en": "Conduit", "price": "7,25", "unit": "m"}]
    async with portal.database.session(lumen.id) as db:
        assert await products.validate(db, lumen, [{"sku": "", "name_fr": "", "name_en": "x", "price": "-1"}])
        assert await products.validate(db, lumen, rows) == []
        await products.apply(db, lumen, rows)
        await db.commit()
        product = await db.scalar(select(LumenProduct).where(LumenProduct.sku == "LUM-99999"))
    assert product is not None
    assert str(product.price) == "7.25"


async def test_demo_data_is_idempotent(lumen, portal):
    async with portal.database.session(lumen.id) as db:
        accounts = await create_demo_data(lumen, db)
        await db.commit()
        assert {a.login for a in accounts} >= {"jbelanger", "mroy", "stremblay"}
        assert await db.scalar(select(func.count()).select_from(User)) == 3
        assert await db.scalar(select(func.count()).select_from(LumenCustomer)) == 4
        inactive = await db.scalar(select(LumenCustomer).where(LumenCustomer.number == "200999"))
    assert inactive is not None
    assert not inactive.active


async def test_login_by_username_and_email_with_the_seed_advice(lumen, tenant_client):
    client = tenant_client(lumen)
    html = (await client.get("/login")).text
    assert "Décochez si vous utilisez un appareil public." in html
    assert "L’application mobile utilise le même nom d’utilisateur" in html
    assert "Passer des commandes 24 h sur 24" in html
    for login in ("mroy", "marc.roy@example.com"):
        other = tenant_client(lumen)
        csrf = await page_csrf(other, "/login")
        response = await other.post("/login", data={"csrf_token": csrf, "login": login, "password": "Lumen-Demo-2026!"})
        assert response.status_code == 303, login
