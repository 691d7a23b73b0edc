"""The back-office backend: a protocol, and the local implementation on the plugin's tables.

An operator may swap in a connector to the supplier's real system: a plugin registering another
implementation of :class:`LuminusBackend` through ``portique_services``. Every method receives the
tenant-scoped session and the customer the signed-in user belongs to, so nothing can be read
across customers.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar, runtime_checkable

from sqlalchemy import Select, select
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
)
from plugins.luminus_energy.paging import PAGE_SIZE, AnyRow, KeysetStatements, Page, PageRequest, make_page, page_params
from plugins.luminus_energy.queries import (
    ADVANCE_CHANGES,
    BALANCE,
    CLOSED_UNTIL,
    CONTRACT_SITE,
    CONTRACT_SITES,
    CUSTOMER,
    CUSTOMER_INVOICE,
    INVOICE_LINE,
    INVOICE_LINES,
    INVOICE_PAGES,
    MANDATE,
    METER_HISTORY,
    METER_HISTORY_SINCE,
    METER_READINGS,
    OPEN_PERIODS,
    OVERDUE_INVOICES,
    PAYMENT_PAGES,
    PERIOD_ADVANCES,
    SUPPLY_POINT,
    SUPPLY_POINTS,
)
from plugins.luminus_energy.records import AdvanceFacts, ContractSite, InvoiceFacts, InvoiceLine, PaymentLine
from plugins.luminus_energy.rules import estimate_window_start, invoice_status

T = TypeVar("T")


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

    async def contract_sites(self, db: AsyncSession, customer: Customer) -> list[ContractSite]:
        """The customer's contracts, by number, with their supply points and tariffs."""

    async def advance_facts(self, db: AsyncSession, customer: Customer, today: date) -> list[AdvanceFacts]:
        """What the advance pages need of each of the customer's contracts, by number (the readings: those the
        yearly estimate reads, since :func:`~plugins.luminus_energy.rules.estimate_window_start`)."""

    async def closed_until(self, db: AsyncSession, supply_point: SupplyPoint) -> date | None:
        """The end of the latest closed billing period of a supply point."""

    async def record_advance_change(
        self, db: AsyncSession, contract: Contract, amount: Decimal, user_id: int | None
    ) -> AdvanceChange:
        """Set a new advance amount and keep its history."""

    async def invoices(self, db: AsyncSession, customer: Customer, today: date) -> list[InvoiceLine]:
        """The customer's invoices, newest first, with payment status."""

    async def invoice(self, db: AsyncSession, customer: Customer, invoice_id: int, today: date) -> InvoiceLine | None:
        """One of the customer's invoices."""

    async def invoice_facts(
        self, db: AsyncSession, customer: Customer, invoice_id: int, today: date
    ) -> InvoiceFacts | None:
        """One of the customer's invoices with what its document prints."""

    async def invoice_page(
        self, db: AsyncSession, customer: Customer, today: date, request: PageRequest, size: int = PAGE_SIZE
    ) -> Page[InvoiceLine]:
        """A page of the customer's invoices, newest first, with payment status."""

    async def payment_page(
        self, db: AsyncSession, customer: Customer, request: PageRequest, size: int = PAGE_SIZE
    ) -> Page[PaymentLine]:
        """A page of the customer's payments, newest first."""

    async def overdue_invoices(self, db: AsyncSession, customer: Customer, today: date) -> list[str]:
        """The numbers of the customer's overdue invoices, newest first."""

    async def balance(self, db: AsyncSession, customer: Customer, today: date) -> Decimal:
        """Amount due by the customer (negative: in the customer's favour)."""

    async def meter_history(
        self, db: AsyncSession, points: Sequence[SupplyPoint]
    ) -> tuple[list[Register], list[MeterReading]]:
        """The registers of these supply points' meters (by id) and their readings, newest first."""

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


def _current_period(periods: list[BillingPeriod], today: date) -> BillingPeriod | None:
    """Of a contract's open periods (the newest first), the one containing ``today``, else the newest."""
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    return periods[0] if periods else None


async def _invoice_lines(
    db: AsyncSession,
    statement: Select[Invoice, Decimal | None, date | None],
    customer: Customer,
    today: date,
    **params: object,
) -> list[InvoiceLine]:
    lines = []
    for invoice, total, last in await db.execute(statement, {"customer_id": customer.id, **params}):
        paid = Decimal(total or 0)
        status = invoice_status(invoice.kind, invoice.amount, paid, invoice.due_date, today, invoice.cancelled)
        lines.append(InvoiceLine(invoice=invoice, paid=paid, status=status, paid_on=last))
    return lines


async def _keyset_page(
    db: AsyncSession,
    statements: KeysetStatements,
    request: PageRequest,
    size: int,
    customer: Customer,
    item_of: Callable[[AnyRow], T],
    keyed: Callable[[T], Invoice | Payment],
) -> Page[T]:
    """A page of one of the customer's lists; a short page at the top (asked as ``newer``) becomes the first page."""
    result = await db.execute(statements.statement(request), page_params(request, size, customer_id=customer.id))
    rows = []
    for row in result:
        item = item_of(row)
        owner = keyed(item)
        day = owner.issue_date if isinstance(owner, Invoice) else owner.paid_on
        rows.append((item, int(row[-2]), int(row[-1]), day, owner.id))
    page, short = make_page(request, rows, size)
    if short:
        return await _keyset_page(db, statements, PageRequest(), size, customer, item_of, keyed)
    return page


async def _meter_history(
    db: AsyncSession, statement: Select[Register, MeterReading], points: Sequence[SupplyPoint], **params: object
) -> tuple[list[Register], list[MeterReading]]:
    """The registers of ``points`` (by id) and the readings ``statement`` joins to them, newest first."""
    if not points:
        return [], []
    registers: dict[int, Register] = {}
    readings = []
    for register, reading in await db.execute(statement, {"point_ids": [p.id for p in points], **params}):
        registers[register.id] = register
        if reading is not None:
            readings.append(reading)
    return sorted(registers.values(), key=lambda r: r.id), readings


class LocalBackend:
    """The backend on the plugin's own tables (filled by CSV imports and demo data)."""

    async def customer(self, db: AsyncSession, number: str) -> Customer | None:
        return await db.scalar(CUSTOMER, {"number": number.strip()})

    async def supply_points(self, db: AsyncSession, customer: Customer) -> list[SupplyPoint]:
        return list(await db.scalars(SUPPLY_POINTS, {"customer_id": customer.id}))

    async def supply_point(self, db: AsyncSession, customer: Customer, point_id: int) -> SupplyPoint | None:
        """One of the customer's supply points (``None`` if it belongs to someone else)."""
        return await db.scalar(SUPPLY_POINT, {"point_id": point_id, "customer_id": customer.id})

    async def supply_point_by_ean(self, db: AsyncSession, ean: str) -> SupplyPoint | None:
        """The supply point with this EAN (any customer of the tenant)."""
        return await db.scalar(select(SupplyPoint).where(SupplyPoint.ean == ean))

    async def contract_sites(self, db: AsyncSession, customer: Customer) -> list[ContractSite]:
        rows = await db.execute(CONTRACT_SITES, {"customer_id": customer.id})
        return [ContractSite(contract, point, tariff) for contract, point, tariff in rows]

    async def contract(self, db: AsyncSession, customer: Customer, contract_id: int) -> Contract | None:
        """One of the customer's contracts."""
        return await db.scalar(select(Contract).where(Contract.id == contract_id, Contract.customer_id == customer.id))

    async def advance_facts(self, db: AsyncSession, customer: Customer, today: date) -> list[AdvanceFacts]:
        """Four statements whatever the number of contracts: the contracts with their sites and tariffs, the
        open periods with their advances, the meters with their readings of the estimate's window, the advance
        histories."""
        sites = await self.contract_sites(db, customer)
        if not sites:
            return []
        contract_ids = [site.contract.id for site in sites]
        periods: dict[int, list[BillingPeriod]] = defaultdict(list)  # per contract, the newest first
        advances: dict[int, list[Advance]] = {}  # per period
        for period, advance in await db.execute(OPEN_PERIODS, {"contract_ids": contract_ids}):
            if period.id not in advances:
                advances[period.id] = []
                periods[period.contract_id].append(period)
            if advance is not None:
                advances[period.id].append(advance)
        points = list({site.point.id: site.point for site in sites}.values())
        since = estimate_window_start(today)  # the readings the yearly estimate reads, not the whole history
        registers, readings = await _meter_history(db, METER_HISTORY_SINCE, points, since=since)
        point_of = {register.id: register.supply_point_id for register in registers}
        changes: dict[int, list[AdvanceChange]] = defaultdict(list)
        for change in await db.scalars(ADVANCE_CHANGES, {"contract_ids": contract_ids}):
            changes[change.contract_id].append(change)
        facts = []
        for site in sites:
            current = _current_period(periods[site.contract.id], today)
            facts.append(
                AdvanceFacts(
                    contract=site.contract,
                    point=site.point,
                    tariff=site.tariff,
                    period=current,
                    advances=advances[current.id] if current is not None else [],
                    registers=[r for r in registers if r.supply_point_id == site.point.id],
                    readings=[r for r in readings if point_of[r.register_id] == site.point.id],
                    changes=changes[site.contract.id],
                )
            )
        return facts

    async def closed_until(self, db: AsyncSession, supply_point: SupplyPoint) -> date | None:
        """The last day of the latest closed billing period of the supply point's contracts."""
        return await db.scalar(CLOSED_UNTIL, {"point_id": supply_point.id})

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
        lines = await _invoice_lines(db, INVOICE_LINE, customer, today, invoice_id=invoice_id)
        return lines[0] if lines else None

    async def invoice_facts(
        self, db: AsyncSession, customer: Customer, invoice_id: int, today: date
    ) -> InvoiceFacts | None:
        """One of the customer's invoices (``None`` for another customer's) with what its document prints."""
        line = await self.invoice(db, customer, invoice_id, today)
        if line is None:
            return None
        invoice = line.invoice
        site = None
        if invoice.contract_id is not None:
            row = (
                await db.execute(CONTRACT_SITE, {"customer_id": customer.id, "contract_id": invoice.contract_id})
            ).first()
            site = ContractSite(*row) if row is not None else None
        period = await db.get(BillingPeriod, invoice.billing_period_id) if invoice.billing_period_id else None
        advances: list[Advance] = []
        registers: list[Register] = []
        readings: list[MeterReading] = []
        if period is not None and invoice.kind in (InvoiceKind.SETTLEMENT, InvoiceKind.CREDIT_NOTE):
            advances = list(await db.scalars(PERIOD_ADVANCES, {"period_id": period.id}))
            if site is not None:
                registers, readings = await self.meter_history(db, [site.point])
        related = None
        if invoice.related_invoice_id is not None:
            related = await db.scalar(
                CUSTOMER_INVOICE, {"invoice_id": invoice.related_invoice_id, "customer_id": customer.id}
            )
        mandate = await self.mandate(db, customer) if line.outstanding > 0 else None
        return InvoiceFacts(line, site, period, advances, registers, readings, related, mandate)

    async def overdue_invoices(self, db: AsyncSession, customer: Customer, today: date) -> list[str]:
        """The invoices whose status is ``overdue`` in :meth:`invoices`, newest first."""
        return list(await db.scalars(OVERDUE_INVOICES, {"customer_id": customer.id, "today": today}))

    async def invoice_page(
        self, db: AsyncSession, customer: Customer, today: date, request: PageRequest, size: int = PAGE_SIZE
    ) -> Page[InvoiceLine]:
        """A page of the customer's invoices, newest first (one statement)."""

        def line(row: AnyRow) -> InvoiceLine:
            invoice, total, last = row[0], row[1], row[2]
            paid = Decimal(total or 0)
            status = invoice_status(invoice.kind, invoice.amount, paid, invoice.due_date, today, invoice.cancelled)
            return InvoiceLine(invoice=invoice, paid=paid, status=status, paid_on=last)

        return await _keyset_page(db, INVOICE_PAGES, request, size, customer, line, lambda item: item.invoice)

    async def payment_page(
        self, db: AsyncSession, customer: Customer, request: PageRequest, size: int = PAGE_SIZE
    ) -> Page[PaymentLine]:
        """A page of the customer's payments, newest first, with the invoice number of each (one statement)."""
        return await _keyset_page(
            db,
            PAYMENT_PAGES,
            request,
            size,
            customer,
            lambda row: PaymentLine(row[0], row[1] or ""),
            lambda item: item.payment,
        )

    async def balance(self, db: AsyncSession, customer: Customer, today: date) -> Decimal:
        """Amount due by the customer (negative: in the customer's favour)."""
        invoiced, paid = (await db.execute(BALANCE, {"customer_id": customer.id})).one()
        zero = Decimal("0")
        return (zero if invoiced is None else invoiced) - (zero if paid is None else paid)

    async def meter_history(
        self, db: AsyncSession, points: Sequence[SupplyPoint]
    ) -> tuple[list[Register], list[MeterReading]]:
        """The registers of these supply points' meters (by id) and their readings, newest first (one statement)."""
        return await _meter_history(db, METER_HISTORY, points)

    async def readings(self, db: AsyncSession, registers: Sequence[Register]) -> list[MeterReading]:
        """Readings of these registers, newest first."""
        if not registers:
            return []
        return list(await db.scalars(METER_READINGS, {"register_ids": [r.id for r in registers]}))

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
        return await db.scalar(MANDATE, {"customer_id": customer.id})

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
