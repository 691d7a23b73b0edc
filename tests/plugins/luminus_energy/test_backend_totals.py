"""The local backend's totals: what was paid on each invoice and the balance, against a plain sum of the rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from plugins.luminus_energy.backend import LocalBackend
from plugins.luminus_energy.demo import add_customer
from plugins.luminus_energy.models import Invoice, InvoiceKind, Payment
from tests.plugins.luminus_energy.conftest import TODAY


async def test_paid_amounts_and_balance_add_up_every_kind_of_row(world):
    customer, contract = await world.customer(unpaid_last=True)
    other, _ = await world.customer()
    async with world.db() as db:
        first = await db.scalar(
            select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.issue_date).limit(1)
        )
        assert first is not None

        def invoice(number: str, kind: str, amount: str, *, cancelled: bool = False) -> Invoice:
            return Invoice(
                customer_id=customer.id,
                contract_id=contract.id,
                number=number,
                kind=kind,
                issue_date=date(2026, 9, 1),
                due_date=date(2026, 9, 15),
                amount=Decimal(amount),
                cancelled=cancelled,
            )

        db.add_all(
            [
                invoice("CN-1", InvoiceKind.CREDIT_NOTE, "42.17"),
                invoice("CN-2", InvoiceKind.CREDIT_NOTE, "10.01", cancelled=True),
                invoice("CANCELLED-1", InvoiceKind.SETTLEMENT, "999.99", cancelled=True),
                Payment(customer_id=customer.id, invoice_id=None, paid_on=date(2026, 9, 2), amount=Decimal("12.34")),
                Payment(customer_id=customer.id, invoice_id=first.id, paid_on=date(2026, 9, 3), amount=Decimal("0.07")),
            ]
        )
        await db.commit()

    backend = LocalBackend()
    async with world.db() as db:
        invoices = list(await db.scalars(select(Invoice).where(Invoice.customer_id == customer.id)))
        payments = list(await db.scalars(select(Payment).where(Payment.customer_id == customer.id)))
        lines = await backend.invoices(db, customer, TODAY)
        balance = await backend.balance(db, customer, TODAY)
        one = await backend.invoice(db, customer, first.id, TODAY)
        foreign = await backend.invoice(db, other, first.id, TODAY)

    paid_on = {i.id: sum((p.amount for p in payments if p.invoice_id == i.id), Decimal("0")) for i in invoices}
    assert {line.invoice.id: line.paid for line in lines} == paid_on
    assert [line.invoice.id for line in lines] == [
        i.id for i in sorted(invoices, key=lambda i: (i.issue_date, i.id), reverse=True)
    ]
    debit = sum((i.amount for i in invoices if i.kind != InvoiceKind.CREDIT_NOTE and not i.cancelled), Decimal("0"))
    credit = sum((i.amount for i in invoices if i.kind == InvoiceKind.CREDIT_NOTE), Decimal("0"))
    assert balance == debit - credit - sum((p.amount for p in payments), Decimal("0"))
    assert str(balance) == str(balance.quantize(Decimal("0.01")))  # cents, as the page shows them
    assert one is not None
    assert one.paid == paid_on[first.id]
    assert one.status == next(line.status for line in lines if line.invoice.id == first.id)
    assert foreign is None  # another customer's invoice


async def test_a_customer_without_invoices_owes_nothing(world):
    async with world.db() as db:
        customer = await add_customer(db, "2000999999", "Nouveau client", email="new@example.be")
        await db.commit()
        backend = LocalBackend()
        assert await backend.invoices(db, customer, TODAY) == []
        assert await backend.balance(db, customer, TODAY) == Decimal("0")


async def test_overdue_invoices_are_those_the_invoice_list_shows_overdue_to_the_cent(world):
    """Counted in the database, compared in cents: 0.70 + 0.10 pays 0.80 (a floating-point sum is 0.7999…)."""
    customer, contract = await world.customer()
    due = date(TODAY.year, TODAY.month, 1) if TODAY.day > 1 else date(TODAY.year - 1, 12, 1)

    def invoice(number: str, amount: str) -> Invoice:
        return Invoice(
            customer_id=customer.id,
            contract_id=contract.id,
            number=number,
            kind=InvoiceKind.ADVANCE,
            issue_date=due,
            due_date=due,
            amount=Decimal(amount),
        )

    async with world.db() as db:
        paid, short = invoice("PAID-IN-TWO", "0.80"), invoice("ONE-CENT-SHORT", "10.00")
        db.add_all([paid, short])
        await db.flush()
        db.add_all(
            [
                Payment(customer_id=customer.id, invoice_id=paid.id, paid_on=due, amount=Decimal("0.70")),
                Payment(customer_id=customer.id, invoice_id=paid.id, paid_on=due, amount=Decimal("0.10")),
                Payment(customer_id=customer.id, invoice_id=short.id, paid_on=due, amount=Decimal("9.99")),
            ]
        )
        await db.commit()
    backend = LocalBackend()
    async with world.db() as db:
        overdue = await backend.overdue_invoices(db, customer, TODAY)
        lines = await backend.invoices(db, customer, TODAY)
    assert "ONE-CENT-SHORT" in overdue
    assert "PAID-IN-TWO" not in overdue
    assert overdue == [line.invoice.number for line in lines if line.status == "overdue"]


async def test_advance_facts_read_the_estimates_window_of_readings_and_keep_every_register(world):
    """The advance pages load the readings of the last 18 months only; the full history stays on the readings page."""
    from plugins.luminus_energy.rules import estimate_window_start

    customer, _contract = await world.customer(start=date(2022, 3, 1), registers=(("day", 0.6), ("night", 0.4)))
    backend = LocalBackend()
    async with world.db() as db:
        [facts] = await backend.advance_facts(db, customer, TODAY)
        registers, history = await backend.meter_history(db, [facts.point])
    since = estimate_window_start(TODAY)
    assert [r.id for r in facts.registers] == [r.id for r in registers]
    assert facts.readings == [r for r in history if r.reading_date >= since]
    assert any(r.reading_date < since for r in history), "the customer has older readings"
