"""The SQL statements of the local backend, built once with bound parameters.

Building and keying these statements cost more than running them, so each is a module constant the
backend executes with its parameters (``customer_id``, ``invoice_id``…).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BindParameter, Date, Integer, Select, String, Subquery, and_, bindparam, case, func, select

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
    Register,
    SupplyPoint,
    Tariff,
)
from plugins.luminus_energy.paging import KeysetStatements


def _paid_per_invoice(customer_id: BindParameter[int]) -> Subquery:
    """What the customer bound as ``customer_id`` paid on each of their invoices (``invoice_id``, ``total``) and
    when they last paid on it (``last``)."""
    return (
        select(Payment.invoice_id, func.sum(Payment.amount).label("total"), func.max(Payment.paid_on).label("last"))
        .where(Payment.customer_id == customer_id, Payment.invoice_id.is_not(None))
        .group_by(Payment.invoice_id)
        .subquery()
    )


CUSTOMER_ID = bindparam("customer_id", type_=Integer)


def _invoice_lines_statement() -> Select[Invoice, Decimal | None, date | None]:
    """The invoices of the customer bound as ``customer_id`` (unordered), with what was paid on each and when."""
    paid = _paid_per_invoice(CUSTOMER_ID)
    return (
        select(Invoice, paid.c.total, paid.c.last)
        .outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .where(Invoice.customer_id == CUSTOMER_ID)
    )


def _overdue_statement() -> Select[str]:
    """The numbers of the invoices of the customer bound as ``customer_id`` that fell due before ``today`` and
    are not fully paid (neither cancelled nor credit notes), newest first: the ``overdue`` ones of the invoice
    list. What was paid is compared in cents, as the list compares it, so that SQLite's floating-point sums
    (0.70 + 0.10 is 0.7999…) cannot make a paid invoice overdue."""
    customer_id = bindparam("customer_id", type_=Integer)
    paid = _paid_per_invoice(customer_id)
    return (
        select(Invoice.number)
        .outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .where(
            Invoice.customer_id == customer_id,
            Invoice.cancelled.is_(False),
            Invoice.kind != InvoiceKind.CREDIT_NOTE,
            Invoice.due_date < bindparam("today", type_=Date),
            func.round(func.coalesce(paid.c.total, 0) - Invoice.amount, 2) < 0,
        )
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


CUSTOMER = select(Customer).where(Customer.number == bindparam("number", type_=String))
SUPPLY_POINTS = (
    select(SupplyPoint)
    .where(SupplyPoint.customer_id == bindparam("customer_id", type_=Integer))
    .order_by(SupplyPoint.ean)
)
SUPPLY_POINT = select(SupplyPoint).where(
    SupplyPoint.id == bindparam("point_id", type_=Integer),
    SupplyPoint.customer_id == bindparam("customer_id", type_=Integer),
)
CONTRACT_SITES = (
    select(Contract, SupplyPoint, Tariff)
    .join(SupplyPoint, SupplyPoint.id == Contract.supply_point_id)
    .join(Tariff, Tariff.id == Contract.tariff_id)
    .where(Contract.customer_id == bindparam("customer_id", type_=Integer))
    .order_by(Contract.number)
)
# the open billing periods of the contracts, each with the advances invoiced in it (a period without any
# comes once, with None); a contract's periods come the newest first
OPEN_PERIODS = (
    select(BillingPeriod, Advance)
    .outerjoin(Advance, Advance.billing_period_id == BillingPeriod.id)
    .where(BillingPeriod.contract_id.in_(bindparam("contract_ids", expanding=True)), BillingPeriod.closed.is_(False))
    .order_by(BillingPeriod.contract_id, BillingPeriod.start_date.desc(), BillingPeriod.id)
)
# the point's contracts as a subquery: the database reads them first, then only their periods
CLOSED_UNTIL = select(func.max(BillingPeriod.end_date)).where(
    BillingPeriod.contract_id.in_(
        select(Contract.id).where(Contract.supply_point_id == bindparam("point_id", type_=Integer))
    ),
    BillingPeriod.closed.is_(True),
)
ADVANCE_CHANGES = (
    select(AdvanceChange)
    .where(AdvanceChange.contract_id.in_(bindparam("contract_ids", expanding=True)))
    .order_by(AdvanceChange.changed_at.desc(), AdvanceChange.id.desc())
)
CONTRACT_SITE = CONTRACT_SITES.where(Contract.id == bindparam("contract_id", type_=Integer))
PERIOD_ADVANCES = (
    select(Advance)
    .where(Advance.billing_period_id == bindparam("period_id", type_=Integer))
    .order_by(Advance.due_date, Advance.id)
)
CUSTOMER_INVOICE = select(Invoice).where(
    Invoice.id == bindparam("invoice_id", type_=Integer),
    Invoice.customer_id == bindparam("customer_id", type_=Integer),
)
INVOICE_ROWS = _invoice_lines_statement()
INVOICE_LINES = INVOICE_ROWS.order_by(Invoice.issue_date.desc(), Invoice.id.desc())
INVOICE_LINE = INVOICE_ROWS.where(Invoice.id == bindparam("invoice_id", type_=Integer))
INVOICE_PAGES = KeysetStatements.build(INVOICE_ROWS, Invoice.issue_date, Invoice.id, Invoice.customer_id == CUSTOMER_ID)
PAYMENT_PAGES = KeysetStatements.build(
    select(Payment, Invoice.number)
    .outerjoin(Invoice, Invoice.id == Payment.invoice_id)
    .where(Payment.customer_id == CUSTOMER_ID),
    Payment.paid_on,
    Payment.id,
    Payment.customer_id == CUSTOMER_ID,
)
OVERDUE_INVOICES = _overdue_statement()
BALANCE = _balance_statement()
# the registers of the supply points with their readings (a register without any comes once, with None)
METER_HISTORY = (
    select(Register, MeterReading)
    .outerjoin(MeterReading, MeterReading.register_id == Register.id)
    .where(Register.supply_point_id.in_(bindparam("point_ids", expanding=True)))
    .order_by(MeterReading.reading_date.desc(), MeterReading.id.desc())
)
# the same, with only the readings taken on or after ``since`` (a register without any comes once, with None)
METER_HISTORY_SINCE = (
    select(Register, MeterReading)
    .outerjoin(
        MeterReading,
        and_(MeterReading.register_id == Register.id, MeterReading.reading_date >= bindparam("since", type_=Date)),
    )
    .where(Register.supply_point_id.in_(bindparam("point_ids", expanding=True)))
    .order_by(MeterReading.reading_date.desc(), MeterReading.id.desc())
)
METER_READINGS = (
    select(MeterReading)
    .where(MeterReading.register_id.in_(bindparam("register_ids", expanding=True)))
    .order_by(MeterReading.reading_date.desc(), MeterReading.id.desc())
)
MANDATE = (
    select(DirectDebitMandate)
    .where(
        DirectDebitMandate.customer_id == bindparam("customer_id", type_=Integer),
        DirectDebitMandate.active.is_(True),
    )
    .order_by(DirectDebitMandate.id.desc())
    .limit(1)
)
