"""Invoices and payments: tabs, statuses, balance, PDFs within 3 years, older copies via a ticket,
and no access to another customer's documents."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from plugins.luminus_energy.models import Invoice, ServiceRequest
from plugins.luminus_energy.paging import Cursor
from plugins.luminus_energy.rules import structured_communication
from tests.plugins.luminus_energy.helpers import csrf_of


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def invoices_of(world, customer) -> list[Invoice]:
    async with world.db() as db:
        rows = await db.scalars(
            select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.issue_date.desc())
        )
        return list(rows)


async def test_invoice_tab_lists_statuses_and_the_balance(world):
    customer, _ = await world.customer(unpaid_last=True, today=date(2026, 10, 20))
    client = await world.client(customer)
    html = (await client.get("/luminus/invoices")).text
    assert 'data-status="overdue"' in html
    assert 'data-status="paid"' in html
    assert 'data-balance="300.00"' in html
    payments = (await client.get("/luminus/invoices?tab=payments")).text
    assert '?tab=payments" aria-current="page"' in payments


async def test_recent_invoice_pdf_is_branded_and_in_the_users_language(world):
    customer, _ = await world.customer()
    latest = (await invoices_of(world, customer))[0]
    client = await world.client(customer, locale="nl_BE")
    response = await client.get(f"/luminus/invoices/{latest.id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert latest.number in text
    assert "luminus" in text
    assert "078 155 230" in text
    assert "Voorschotfactuur" in text
    assert structured_communication(latest.number) in text


async def test_invoice_older_than_three_years_is_not_downloadable_but_can_be_requested(world, mailbox):
    customer, _ = await world.customer(start=date(2021, 3, 1))
    old = next(i for i in await invoices_of(world, customer) if i.issue_date < date(2023, 11, 26))
    client = await world.client(customer)
    holding = Cursor.including(old.issue_date, old.id)  # the page of the list that holds it
    listing = await client.get(f"/luminus/invoices?older={holding.token}")
    assert f'id="invoice-{old.id}"' in listing.text
    assert f"/luminus/invoices/{old.id}/pdf" not in listing.text
    assert f"/luminus/invoices/{old.id}/request-copy" in listing.text
    response = await client.get(f"/luminus/invoices/{old.id}/pdf")
    assert response.status_code == 410
    assert "application/pdf" not in response.headers["content-type"]
    request = await client.post(f"/luminus/invoices/{old.id}/request-copy", data={"csrf_token": csrf_of(listing.text)})
    assert request.status_code == 303
    async with world.db() as db:
        record = await db.scalar(select(ServiceRequest).where(ServiceRequest.customer_id == customer.id))
    assert record.category == "invoice_archive"
    assert record.details["invoice_number"] == old.number
    assert (await mailbox.last()) is not None  # the ticket acknowledgement


async def test_three_year_window_boundary(world):
    customer, _ = await world.customer(start=date(2023, 11, 1))
    client = await world.client(customer)
    by_date = {i.issue_date: i for i in await invoices_of(world, customer)}
    assert (await client.get(f"/luminus/invoices/{by_date[date(2023, 12, 1)].id}/pdf")).status_code == 200
    assert (await client.get(f"/luminus/invoices/{by_date[date(2023, 11, 1)].id}/pdf")).status_code == 410


async def test_another_customers_invoice_is_not_found_by_direct_url(world):
    mine, _ = await world.customer()
    theirs, _ = await world.customer()
    their_invoice = (await invoices_of(world, theirs))[0]
    client = await world.client(mine)
    assert (await client.get(f"/luminus/invoices/{their_invoice.id}/pdf")).status_code == 404
    page = await client.get("/luminus/invoices")
    assert their_invoice.number not in page.text
    forged = await client.post(
        f"/luminus/invoices/{their_invoice.id}/request-copy", data={"csrf_token": csrf_of(page.text)}
    )
    assert forged.status_code == 404
    assert (await client.get("/luminus/invoices/not-a-number/pdf")).status_code == 404


async def test_balance_counts_credit_notes_in_the_customers_favour(world):
    customer, _ = await world.customer(start=date(2024, 3, 1), advance=Decimal("500"))
    client = await world.client(customer)
    html = (await client.get("/luminus/invoices")).text
    assert "Note de crédit" in html


async def test_copy_requests_are_not_duplicated_and_are_limited_per_day(world):
    customer, _ = await world.customer(start=date(2021, 3, 1))
    old = [i for i in await invoices_of(world, customer) if i.issue_date < date(2023, 6, 1)]
    client = await world.client(customer)
    token = csrf_of((await client.get("/luminus/invoices")).text)
    for _round in range(2):
        await client.post(f"/luminus/invoices/{old[0].id}/request-copy", data={"csrf_token": token})
    for invoice in old[1:14]:
        await client.post(f"/luminus/invoices/{invoice.id}/request-copy", data={"csrf_token": token})
    async with world.db() as db:
        requests = list(await db.scalars(select(ServiceRequest)))
    numbers = [r.details["invoice_number"] for r in requests]
    assert len(numbers) == len(set(numbers))  # the repeated request was not filed twice
    assert len(requests) == 10  # the daily limit


def test_structured_communication_has_the_modulo_97_check():
    assert structured_communication("2600000035") == "+++260/0000/03507+++"  # 2600000035 mod 97 = 7
    assert structured_communication("97") == "+++000/0000/09797+++"  # remainder 0 → 97
    assert structured_communication("LUX-1234") == "+++000/0001/23470+++"  # digits only; 1234 mod 97 = 70
