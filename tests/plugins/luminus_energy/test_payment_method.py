"""E-invoice opt-in and direct debit: IBAN checked with python-stdnum, mandate, mail, no online stop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.testing import mail_text
from plugins.luminus_energy.models import Customer, DirectDebitMandate, ServiceRequest
from plugins.luminus_energy.payment import iban_problem, mask_iban
from tests.plugins.luminus_energy.helpers import csrf_of

GOOD_IBAN = "BE71 0961 2345 6769"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("BE71 0961 2345 6768", "check digits"),  # one digit changed
        ("BE71 0961 2345 676", "number of characters"),
        ("US64 SVBK US6S 3300 9588 79", "SEPA"),
        ("", "Enter the IBAN"),
        ("BE68 5390 0754 7034", "bank or account number"),
    ],
)
def test_iban_problems_each_have_their_own_message(value, fragment):
    assert fragment in (iban_problem(value) or "")


def test_valid_sepa_ibans_pass_and_are_masked():
    assert iban_problem(GOOD_IBAN) is None
    assert iban_problem("NL91ABNA0417164300") is None
    assert mask_iban(GOOD_IBAN) == "BE•• •••• •••• 6769"


async def activate(client, **data):
    page = await client.get("/luminus/payment-method")
    return await client.post(
        "/luminus/payment-method/direct-debit",
        data={"csrf_token": csrf_of(page.text), **data},
    )


async def test_activate_direct_debit_for_advances_and_settlement(world, mailbox):
    customer, _ = await world.customer()
    client = await world.client(customer)
    response = await activate(client, iban=GOOD_IBAN, holder="Client SRL", scope="advances_and_settlement", consent="y")
    assert response.status_code == 303
    async with world.db() as db:
        mandate = await db.scalar(select(DirectDebitMandate).where(DirectDebitMandate.customer_id == customer.id))
    assert mandate.iban == "BE71096123456769"
    assert mandate.scope == "advances_and_settlement"
    assert mandate.reference.startswith(f"LUM-{customer.number}-")
    text = mail_text(await mailbox.last())
    assert mandate.reference in text
    assert "6769" in text
    assert "096123456769" not in text
    page = await client.get("/luminus/payment-method")
    assert f'data-mandate="{mandate.reference}"' in page.text
    assert "/luminus/payment-method/stop-request" in page.text
    assert "078 155 230" in page.text
    assert 'name="iban"' not in page.text


async def test_invalid_iban_is_refused_next_to_the_field_and_kept(world):
    customer, _ = await world.customer()
    client = await world.client(customer)
    response = await activate(client, iban="BE71 0961 2345 6768", holder="Client SRL", scope="advances", consent="y")
    assert response.status_code == 422
    assert 'id="iban-error"' in response.text
    assert 'value="BE71 0961 2345 6768"' in response.text
    missing_consent = await activate(client, iban=GOOD_IBAN, holder="Client SRL", scope="advances")
    assert missing_consent.status_code == 422
    assert 'id="consent-error"' in missing_consent.text
    async with world.db() as db:
        assert await db.scalar(select(DirectDebitMandate)) is None


async def test_stopping_direct_debit_is_a_request_not_an_online_change(world):
    customer, _ = await world.customer()
    client = await world.client(customer)
    await activate(client, iban=GOOD_IBAN, holder="Client SRL", scope="advances", consent="y")
    page = await client.get("/luminus/payment-method")
    response = await client.post("/luminus/payment-method/stop-request", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    async with world.db() as db:
        mandate = await db.scalar(select(DirectDebitMandate))
        request = await db.scalar(select(ServiceRequest).where(ServiceRequest.category == "payment_method"))
    assert mandate.active
    assert request.details["mandate_reference"] == mandate.reference


async def test_e_invoice_opt_in_with_the_seed_benefits(world, mailbox):
    customer, _ = await world.customer()
    client = await world.client(customer, locale="nl_BE")
    page = await client.get("/luminus/payment-method")
    assert 'data-e-invoice="off"' in page.text
    response = await client.post(
        "/luminus/payment-method/e-invoice",
        data={"csrf_token": csrf_of(page.text), "e_invoice": "y", "email": "factures@client.be"},
    )
    assert response.status_code == 303
    async with world.db() as db:
        saved = await db.get(Customer, customer.id)
    assert saved.e_invoice
    assert saved.e_invoice_email == "factures@client.be"
    assert (await mailbox.last())["To"] == "factures@client.be"
    bad = await client.post(
        "/luminus/payment-method/e-invoice",
        data={"csrf_token": csrf_of(page.text), "e_invoice": "y", "email": "not-an-email"},
    )
    assert bad.status_code == 422
    assert 'value="not-an-email"' in bad.text
