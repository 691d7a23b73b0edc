"""The back-office backend: a protocol, and the local implementation on the plugin's tables.

An operator may swap in a connector to the supplier's real system by returning another object
implementing :class:`LuminusBackend` from ``portique_backend``. Every method receives the
tenant-scoped session and the customer the signed-in user belongs to, so nothing can be read
across customers.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from sqlalchemy import Integer, Select, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import utcnow
from plugins.luminus_energy.models import (
    Advance,
    AdvanceChange,
    BillingPeriod,
    Contract,
    Customer,
    DirectDebitMandate,
    Invoice,
    InvoiceKind,
    MeterReading,
    Payment,
    ReadingSource,
    Register,
    SupplyPoint,
    Tariff,
)
from plugins.luminus_energy.rules import invoice_status


@dataclass(frozen=True)
class InvoiceLine:
    """An invoice with what was paid on it and its status today."""

    invoice: Invoice
    paid: Decimal
    status: str

    @property
    def outstanding(self) -> Decimal:
        """What remains to be paid (0 for credit notes)."""
        if self.invoice.kind == InvoiceKind.CREDIT_NOTE or self.invoice.cancelled:
            return Decimal("0")
        return max(Decimal("0"), self.invoice.amount - self.paid)


@runtime_checkable
class LuminusBackend(Protocol):
    """What the portal needs from the supplier's back office (the local tables, or a connector).

    Every read takes the customer the signed-in user belongs to, so a connector can enforce the same
    "own data only" rule the local implementation does.
    """

    async def customer(self, db: AsyncSession, number: str) -> Customer | None:
        """The customer with this customer number."""

    async def supply_points(self, db: AsyncSession, customer: Customer) -> list[SupplyPoint]:
        """The customer's supply points, by EAN."""

    async def supply_point(self, db: AsyncSession, customer: Customer, point_id: int) -> SupplyPoint | None:
        """One of the customer's supply points."""

    async def supply_point_by_ean(self, db: AsyncSession, ean: str) -> SupplyPoint | None:
        """The supply point with this EAN (registration check)."""

    async def contracts(self, db: AsyncSession, customer: Customer) -> list[Contract]:
        """The customer's contracts."""

    async def tariff(self, db: AsyncSession, tariff_id: int) -> Tariff | None:
        """A tariff used for simulations."""

    async def current_period(self, db: AsyncSession, contract: Contract, today: date) -> BillingPeriod | None:
        """The open billing period of a contract."""

    async def closed_until(self, db: AsyncSession, supply_point: SupplyPoint) -> date | None:
        """The end of the latest closed billing period of a supply point."""

    async def advances(self, db: AsyncSession, period: BillingPeriod) -> list[Advance]:
        """Advances invoiced in a billing period."""

    async def last_advance_change(self, db: AsyncSession, contract: Contract) -> AdvanceChange | None:
        """The latest advance change of a contract."""

    async def advance_changes(self, db: AsyncSession, contract: Contract) -> list[AdvanceChange]:
        """The advance history of a contract."""

    async def record_advance_change(
        self, db: AsyncSession, contract: Contract, amount: Decimal, user_id: int | None
    ) -> AdvanceChange:
        """Set a new advance amount and keep its history."""

    async def invoices(self, db: AsyncSession, customer: Customer, today: date) -> list[InvoiceLine]:
        """The customer's invoices, newest first, with payment status."""

    async def invoice(self, db: AsyncSession, customer: Customer, invoice_id: int, today: date) -> InvoiceLine | None:
        """One of the customer's invoices."""

    async def payments(self, db: AsyncSession, customer: Customer) -> list[Payment]:
        """The customer's payments, newest first."""

    async def balance(self, db: AsyncSession, customer: Customer, today: date) -> Decimal:
        """Amount due by the customer (negative: in the customer's favour)."""

    async def registers(self, db: AsyncSession, supply_point: SupplyPoint) -> list[Register]:
        """The registers of a supply point's meter."""

    async def readings(self, db: AsyncSession, registers: Sequence[Register]) -> list[MeterReading]:
        """Readings of registers, newest first."""

    async def add_reading(
        self, db: AsyncSession, register: Register, value: int, day: date, user_id: int | None
    ) -> MeterReading:
        """Record an index entered by the customer."""

    async def mandate(self, db: AsyncSession, customer: Customer) -> DirectDebitMandate | None:
        """The customer's active direct-debit mandate."""

    async def create_mandate(
        self, db: AsyncSession, customer: Customer, *, iban: str, holder: str, scope: str, user_id: int | None
    ) -> DirectDebitMandate:
        """Activate direct debit."""


def _invoice_lines_statement() -> Select[Invoice, Decimal | None]:
    """The invoices of the customer bound as ``customer_id``, newest first, with what was paid on each."""
    customer_id = bindparam("customer_id", type_=Integer)
    paid = (
        select(Payment.invoice_id, func.sum(Payment.amount).label("total"))
        .where(Payment.customer_id == customer_id, Payment.invoice_id.is_not(None))
        .group_by(Payment.invoice_id)
        .subquery()
    )
    return (
        select(Invoice, paid.c.total)
        .outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .where(Invoice.customer_id == customer_id)
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
    )


def _balance_statement() -> Select[Decimal | None, Decimal | None]:
    """(invoiced, paid) of the customer bound as ``customer_id``.

    Invoiced: every invoice not cancelled, less every credit note; paid: every payment.
    """
    customer_id = bindparam("customer_id", type_=Integer)
    signed = case(
        (Invoice.kind == InvoiceKind.CREDIT_NOTE, -Invoice.amount),
        (Invoice.cancelled.is_(False), Invoice.amount),
        else_=0,
    )
    invoiced = select(func.sum(signed)).where(Invoice.customer_id == customer_id)
    paid = select(func.sum(Payment.amount)).where(Payment.customer_id == customer_id)
    return select(invoiced.scalar_subquery(), paid.scalar_subquery())


# Built once: building and keying these statements cost more than running them.
INVOICE_LINES = _invoice_lines_statement()
BALANCE = _balance_statement()


async def _invoice_lines(
    db: AsyncSession, statement: Select[Invoice, Decimal | None], customer: Customer, today: date
) -> list[InvoiceLine]:
    lines = []
    for invoice, total in await db.execute(statement, {"customer_id": customer.id}):
        paid = Decimal(total or 0)
        status = invoice_status(invoice.kind, invoice.amount, paid, invoice.due_date, today, invoice.cancelled)
        lines.append(InvoiceLine(invoice=invoice, paid=paid, status=status))
    return lines


class LocalBackend:
    """The backend on the plugin's own tables (filled by CSV imports and demo data)."""

    async def customer(self, db: AsyncSession, number: str) -> Customer | None:
        return await db.scalar(select(Customer).where(Customer.number == number.strip()))

    async def supply_points(self, db: AsyncSession, customer: Customer) -> list[SupplyPoint]:
        rows = await db.scalars(
            select(SupplyPoint).where(SupplyPoint.customer_id == customer.id).order_by(SupplyPoint.ean)
        )
        return list(rows)

    async def supply_point(self, db: AsyncSession, customer: Customer, point_id: int) -> SupplyPoint | None:
        """One of the customer's supply points (``None`` if it belongs to someone else)."""
        return await db.scalar(
            select(SupplyPoint).where(SupplyPoint.id == point_id, SupplyPoint.customer_id == customer.id)
        )

    async def supply_point_by_ean(self, db: AsyncSession, ean: str) -> SupplyPoint | None:
        """The supply point with this EAN (any customer of the tenant)."""
        return await db.scalar(select(SupplyPoint).where(SupplyPoint.ean == ean))

    async def contracts(self, db: AsyncSession, customer: Customer) -> list[Contract]:
        rows = await db.scalars(select(Contract).where(Contract.customer_id == customer.id).order_by(Contract.number))
        return list(rows)

    async def contract(self, db: AsyncSession, customer: Customer, contract_id: int) -> Contract | None:
        """One of the customer's contracts."""
        return await db.scalar(select(Contract).where(Contract.id == contract_id, Contract.customer_id == customer.id))

    async def tariff(self, db: AsyncSession, tariff_id: int) -> Tariff | None:
        """A tariff."""
        return await db.get(Tariff, tariff_id)

    async def current_period(self, db: AsyncSession, contract: Contract, today: date) -> BillingPeriod | None:
        """The open billing period containing ``today`` (or the latest open one)."""
        rows = await db.scalars(
            select(BillingPeriod)
            .where(BillingPeriod.contract_id == contract.id, BillingPeriod.closed.is_(False))
            .order_by(BillingPeriod.start_date.desc())
        )
        periods = list(rows)
        for period in periods:
            if period.start_date <= today <= period.end_date:
                return period
        return periods[0] if periods else None

    async def closed_until(self, db: AsyncSession, supply_point: SupplyPoint) -> date | None:
        """The last day of the latest closed billing period of the supply point's contracts."""
        return await db.scalar(
            select(func.max(BillingPeriod.end_date))
            .join(Contract, Contract.id == BillingPeriod.contract_id)
            .where(Contract.supply_point_id == supply_point.id, BillingPeriod.closed.is_(True))
        )

    async def advances(self, db: AsyncSession, period: BillingPeriod) -> list[Advance]:
        """Advances invoiced in a billing period."""
        rows = await db.scalars(
            select(Advance).where(Advance.billing_period_id == period.id).order_by(Advance.due_date)
        )
        return list(rows)

    async def last_advance_change(self, db: AsyncSession, contract: Contract) -> AdvanceChange | None:
        """The most recent change of the contract's advance."""
        return await db.scalar(
            select(AdvanceChange)
            .where(AdvanceChange.contract_id == contract.id)
            .order_by(AdvanceChange.changed_at.desc(), AdvanceChange.id.desc())
            .limit(1)
        )

    async def advance_changes(self, db: AsyncSession, contract: Contract) -> list[AdvanceChange]:
        """The contract's advance history, newest first."""
        rows = await db.scalars(
            select(AdvanceChange)
            .where(AdvanceChange.contract_id == contract.id)
            .order_by(AdvanceChange.changed_at.desc(), AdvanceChange.id.desc())
        )
        return list(rows)

    async def record_advance_change(
        self, db: AsyncSession, contract: Contract, amount: Decimal, user_id: int | None
    ) -> AdvanceChange:
        change = AdvanceChange(
            contract_id=contract.id, old_amount=contract.advance_amount, new_amount=amount, user_id=user_id
        )
        contract.advance_amount = amount
        db.add(change)
        await db.flush()
        return change

    async def invoices(self, db: AsyncSession, customer: Customer, today: date) -> list[InvoiceLine]:
        return await _invoice_lines(db, INVOICE_LINES, customer, today)

    async def invoice(self, db: AsyncSession, customer: Customer, invoice_id: int, today: date) -> InvoiceLine | None:
        """One of the customer's invoices (``None`` for another customer's)."""
        lines = await _invoice_lines(db, INVOICE_LINES.where(Invoice.id == invoice_id), customer, today)
        return lines[0] if lines else None

    async def payments(self, db: AsyncSession, customer: Customer) -> list[Payment]:
        rows = await db.scalars(
            select(Payment)
            .where(Payment.customer_id == customer.id)
            .order_by(Payment.paid_on.desc(), Payment.id.desc())
        )
        return list(rows)

    async def balance(self, db: AsyncSession, customer: Customer, today: date) -> Decimal:
        """Amount due by the customer (negative: in the customer's favour)."""
        invoiced, paid = (await db.execute(BALANCE, {"customer_id": customer.id})).one()
        zero = Decimal("0")
        return (zero if invoiced is None else invoiced) - (zero if paid is None else paid)

    async def registers(self, db: AsyncSession, supply_point: SupplyPoint) -> list[Register]:
        """The meter's registers."""
        rows = await db.scalars(
            select(Register).where(Register.supply_point_id == supply_point.id).order_by(Register.id)
        )
        return list(rows)

    async def readings(self, db: AsyncSession, registers: Sequence[Register]) -> list[MeterReading]:
        """Readings of these registers, newest first."""
        if not registers:
            return []
        rows = await db.scalars(
            select(MeterReading)
            .where(MeterReading.register_id.in_([r.id for r in registers]))
            .order_by(MeterReading.reading_date.desc(), MeterReading.id.desc())
        )
        return list(rows)

    async def add_reading(
        self, db: AsyncSession, register: Register, value: int, day: date, user_id: int | None
    ) -> MeterReading:
        """Record an index entered by the customer."""
        reading = MeterReading(
            register_id=register.id,
            reading_date=day,
            value=value,
            source=ReadingSource.CUSTOMER,
            entered_by_user_id=user_id,
        )
        db.add(reading)
        await db.flush()
        return reading

    async def mandate(self, db: AsyncSession, customer: Customer) -> DirectDebitMandate | None:
        """The customer's active direct-debit mandate."""
        return await db.scalar(
            select(DirectDebitMandate)
            .where(DirectDebitMandate.customer_id == customer.id, DirectDebitMandate.active.is_(True))
            .order_by(DirectDebitMandate.id.desc())
            .limit(1)
        )

    async def create_mandate(
        self, db: AsyncSession, customer: Customer, *, iban: str, holder: str, scope: str, user_id: int | None
    ) -> DirectDebitMandate:
        """Activate direct debit with a new unique mandate reference."""
        reference = f"LUM-{customer.number}-{utcnow():%Y%m%d}-{secrets.token_hex(3).upper()}"
        mandate = DirectDebitMandate(
            customer_id=customer.id,
            reference=reference,
            iban=iban,
            holder=holder,
            scope=scope,
            signed_by_user_id=user_id,
        )
        db.add(mandate)
        await db.flush()
        return mandate


def backend_of(tenant: object) -> LuminusBackend:
    """The tenant's backend: a connector plugin's answer to ``portique_backend``, else the local tables."""
    from core.api import get_portal

    found = get_portal().hooks(tenant).portique_backend(tenant=tenant)  # type: ignore[arg-type]
    return found if isinstance(found, LuminusBackend) else LocalBackend()
