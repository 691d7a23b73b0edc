"""Registration through the core pipeline, reminder-fee rule, moving page, importers, dashboard widget."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlparse

from pypdf import PdfReader
from sqlalchemy import select

from core.api import Account, Membership, Role, User
from core.testing import mail_links
from plugins.luminus_energy.demo import add_invoice
from plugins.luminus_energy.ean import make_ean
from plugins.luminus_energy.importers import (
    apply_customers,
    apply_points,
    validate_customers,
    validate_points,
)
from plugins.luminus_energy.models import Customer, Invoice, Payment, ServiceRequest, SupplyPoint
from tests.plugins.luminus_energy.helpers import csrf_of

PASSWORD = "correct horse battery"


# -- registration ---------------------------------------------------------------------------------------------


async def register(client, **fields):
    page = await client.get("/register")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page.text),
        "email": "anne@client.be",
        "first_name": "Anne",
        "last_name": "Martin",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": "y",
        **fields,
    }
    return await client.post("/register", data=data)


async def ean_of(world, contract) -> str:
    async with world.db() as db:
        return (await db.get(SupplyPoint, contract.supply_point_id)).ean


async def test_register_with_customer_number_and_ean_creates_account_and_holder(world, tenant_client, mailbox):
    customer, contract = await world.customer()
    client = tenant_client("luminus")
    page = await client.get("/register")
    assert 'name="customer_number"' in page.text
    assert 'name="ean"' in page.text
    response = await register(client, customer_number=customer.number, ean=await ean_of(world, contract))
    assert response.status_code == 303
    async with world.db() as db:
        user = await db.scalar(select(User).where(User.email == "anne@client.be"))
        membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
        account = await db.get(Account, membership.account_id)
    assert user.status == "pending_email"
    assert account.number == customer.number
    assert membership.role == Role.HOLDER
    assert any("/confirm/" in link for link in mail_links(await mailbox.last("anne@client.be")))


async def test_register_with_an_invoice_number_instead_of_the_ean(world, tenant_client):
    customer, _contract = await world.customer()
    async with world.db() as db:
        invoice = await db.scalar(select(Invoice).where(Invoice.customer_id == customer.id).limit(1))
    response = await register(tenant_client("luminus"), customer_number=customer.number, invoice_number=invoice.number)
    assert response.status_code == 303


async def test_registration_refusals_do_not_reveal_which_detail_was_wrong(world, tenant_client):
    customer, contract = await world.customer()
    _other, other_contract = await world.customer()
    client = tenant_client("luminus")
    wrong_ean = await register(client, customer_number=customer.number, ean=await ean_of(world, other_contract))
    unknown = await register(client, customer_number="2999999999", ean=await ean_of(world, contract))
    assert wrong_ean.status_code == unknown.status_code == 200
    for response in (wrong_ean, unknown):
        assert 'id="customer_number-error"' in response.text
        assert 'value="anne@client.be"' in response.text
    bad_ean = await register(client, customer_number=customer.number, ean="54144880000000000")
    assert 'id="ean-error"' in bad_ean.text
    neither = await register(client, customer_number=customer.number)
    assert 'id="ean-error"' in neither.text
    async with world.db() as db:
        assert await db.scalar(select(User).where(User.email == "anne@client.be")) is None


# -- reminder fees ---------------------------------------------------------------------------------------------


async def add_fee(world, customer, *, pay_related: bool) -> tuple[Invoice, Invoice]:
    async with world.db() as db:
        related = await db.scalar(
            select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.issue_date.desc()).limit(1)
        )
        if not pay_related:
            for payment in await db.scalars(select(Payment).where(Payment.invoice_id == related.id)):
                await db.delete(payment)
        fee = await add_invoice(
            db,
            await db.get(Customer, customer.id),
            kind="reminder_fee",
            issued=related.due_date + timedelta(days=5),
            amount=Decimal("15"),
            related=related,
            paid=False,
        )
        await db.commit()
        return fee, related


async def test_reminder_fee_cancellation_refused_until_the_invoice_is_paid(world):
    customer, _ = await world.customer(today=date(2026, 10, 20))
    fee, related = await add_fee(world, customer, pay_related=False)
    client = await world.client(customer)
    page = await client.get("/luminus/reminder-fees")
    response = await client.post(f"/luminus/reminder-fees/{fee.id}/cancel", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 409
    assert 'data-refused="unpaid"' in response.text
    assert f"#invoice-{related.id}" in response.text
    async with world.db() as db:
        assert await db.scalar(select(ServiceRequest)) is None


async def test_reminder_fee_cancellation_of_a_paid_invoice_becomes_a_ticket_once(world):
    customer, _ = await world.customer(today=date(2026, 10, 20))
    fee, related = await add_fee(world, customer, pay_related=True)
    client = await world.client(customer)
    page = await client.get("/luminus/reminder-fees")
    token = csrf_of(page.text)
    assert (await client.post(f"/luminus/reminder-fees/{fee.id}/cancel", data={"csrf_token": token})).status_code == 303
    await client.post(f"/luminus/reminder-fees/{fee.id}/cancel", data={"csrf_token": token})
    async with world.db() as db:
        requests = list(await db.scalars(select(ServiceRequest)))
    assert len(requests) == 1
    assert requests[0].details == {"reminder_invoice": fee.number, "related_invoice": related.number}


async def test_another_customers_reminder_fee_is_not_found(world):
    mine, _ = await world.customer()
    theirs, _ = await world.customer(today=date(2026, 10, 20))
    fee, _related = await add_fee(world, theirs, pay_related=True)
    client = await world.client(mine)
    page = await client.get("/luminus/reminder-fees")
    response = await client.post(f"/luminus/reminder-fees/{fee.id}/cancel", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 404


# -- moving -----------------------------------------------------------------------------------------------------


async def test_moving_page_explains_the_takeover_document_and_offers_it(world, tenant_client):
    client = tenant_client("luminus")
    page = await client.get("/luminus/moving")
    assert page.status_code == 200
    assert "business.services@luminus.be" in page.text
    assert "078 155 230" in page.text
    document = await client.get("/luminus/moving/document.pdf")
    assert document.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert "business.services@luminus.be" in text


# -- importers --------------------------------------------------------------------------------------------------


async def test_importers_validate_eans_and_apply(world):
    good = make_ean("54144999000011111")
    async with world.db() as db:
        customers = [{"number": "2000777777", "name": "Imprimerie Leroy", "language": "fr_BE"}]
        assert await validate_customers(db, world.tenant, customers) == []
        assert [e.column for e in await validate_customers(db, world.tenant, [{"number": "x", "name": ""}])] == [
            "number",
            "name",
        ]
        await apply_customers(db, world.tenant, customers)
        row = {
            "customer_number": "2000777777",
            "ean": good,
            "energy": "electricity",
            "street": "Rue Neuve 3",
            "postcode": "4000",
            "city": "Liège",
            "registers": "day;night",
        }
        assert await validate_points(db, world.tenant, [row]) == []
        bad = {**row, "ean": good[:-1] + str((int(good[-1]) + 1) % 10)}
        errors = await validate_points(db, world.tenant, [bad])
        assert [(e.line, e.column) for e in errors] == [(2, "ean")]
        assert await apply_points(db, world.tenant, [row]) == 1
        await db.commit()
        point = await db.scalar(select(SupplyPoint).where(SupplyPoint.ean == good))
    assert point.city == "Liège"


# -- dashboard ----------------------------------------------------------------------------------------------


async def test_dashboard_widget_shows_balance_and_advances(world):
    customer, _ = await world.customer(unpaid_last=True, today=date(2026, 10, 20))
    client = await world.client(customer)
    html = (await client.get("/")).text
    assert customer.name in html
    assert "/luminus/advance/change" in html
    assert "Électricité" in html
    assert "Comfy Pro" not in html  # back-office product names are not shown untranslated


async def test_visitor_home_page_in_french_and_dutch(world, tenant_client):
    client = tenant_client("luminus")
    french = await client.get("/", headers={"Accept-Language": "fr-BE"})
    assert "<h1>Espace client PME</h1>" in french.text
    assert "Questions fréquemment posées" in french.text
    dutch = await tenant_client("luminus").get("/", headers={"Accept-Language": "nl-BE"})
    assert "<h1>Klantenzone kmo</h1>" in dutch.text
    assert "078 155 230" in dutch.text


async def test_registration_confirmation_then_sign_in_opens_the_sme_space(world, tenant_client, mailbox):
    customer, contract = await world.customer()
    client = tenant_client("luminus")
    await register(client, customer_number=customer.number, ean=await ean_of(world, contract))
    link = next(link for link in mail_links(await mailbox.last("anne@client.be")) if "/confirm/" in link)
    path = urlparse(link).path.removeprefix("/t/luminus")
    confirmed = await client.get(path)
    assert confirmed.status_code == 200
    page = await client.get("/login")
    signed = await client.post(
        "/login", data={"csrf_token": csrf_of(page.text), "login": "anne@client.be", "password": PASSWORD}
    )
    assert signed.status_code == 303
    invoices = await client.get("/luminus/invoices")
    assert invoices.status_code == 200
    assert customer.number in (await client.get("/luminus/advance")).text


async def test_a_second_person_of_the_company_is_sent_to_its_administrator(world, tenant_client):
    customer, contract = await world.customer()
    ean = await ean_of(world, contract)
    first = await register(tenant_client("luminus"), customer_number=customer.number, ean=ean)
    assert first.status_code == 303
    second = await register(tenant_client("luminus"), customer_number=customer.number, ean=ean, email="bob@client.be")
    assert second.status_code == 200
    assert 'id="customer_number-error"' in second.text
    async with world.db() as db:
        assert await db.scalar(select(User).where(User.email == "bob@client.be")) is None
