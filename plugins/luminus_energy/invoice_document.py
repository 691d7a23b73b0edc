"""What an invoice or a credit note says: its lines with their VAT, the settlement's meter indexes and the
advances it deducts, and where its payment stands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from core.api import format_date, format_number
from core.api import gettext as _
from plugins.luminus_energy.labels import energy_label, register_label
from plugins.luminus_energy.models import (
    Advance,
    Customer,
    DirectDebitMandate,
    Frequency,
    Invoice,
    InvoiceKind,
    MandateScope,
    MeterReading,
    Register,
    Tariff,
)
from plugins.luminus_energy.records import InvoiceFacts
from plugins.luminus_energy.rules import months_between

CENT = Decimal("0.01")
STANDARD_VAT = Decimal("21")


def split_vat(total: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """(net, VAT) of an amount including VAT at ``rate`` percent; they add up to ``total`` exactly."""
    net = (total / (1 + rate / 100)).quantize(CENT, ROUND_HALF_UP)
    return net, total - net


def vat_on(net: Decimal, rate: Decimal) -> Decimal:
    """The VAT at ``rate`` percent on ``net``, to the cent."""
    return (net * rate / 100).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class DocumentLine:
    """A line of the invoice: what is charged, its net amount and its VAT."""

    description: str
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    quantity: Decimal | None = None
    unit: str = ""
    unit_price: Decimal | None = None

    @property
    def total(self) -> Decimal:
        """Net plus VAT."""
        return self.net + self.vat


@dataclass(frozen=True)
class RegisterIndexes:
    """The indexes of one register at the start and at the end of a billing period."""

    register: str
    unit: str
    start: date
    start_index: int
    end: date
    end_index: int

    @property
    def consumption(self) -> int:
        """What was consumed between the two indexes."""
        return self.end_index - self.start_index


@dataclass(frozen=True)
class Deduction:
    """The advances already invoiced for the period, deducted by its settlement."""

    count: int
    net: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        """Net plus VAT."""
        return self.net + self.vat


@dataclass(frozen=True)
class PaymentState:
    """Where the payment of the document stands today.

    ``state`` is ``paid``, ``partly_paid``, ``open``, ``overdue``, ``credited`` or ``cancelled``;
    ``direct_debit`` is the reference of the mandate that will collect what remains, if any.
    """

    state: str
    paid: Decimal
    remaining: Decimal
    paid_on: date | None
    due: date
    direct_debit: str | None = None


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything an invoice or a credit note prints."""

    invoice: Invoice
    customer: Customer
    lines: list[DocumentLine]
    payment: PaymentState
    ean: str = ""
    supply_address: str = ""
    energy: str = ""
    product: str = ""
    meter: str = ""
    period: tuple[date, date] | None = None
    indexes: tuple[RegisterIndexes, ...] = ()
    deduction: Deduction | None = None
    related_number: str = ""

    @property
    def net_total(self) -> Decimal:
        """Sum of the lines' net amounts."""
        return sum((line.net for line in self.lines), Decimal("0"))

    @property
    def vat_total(self) -> Decimal:
        """Sum of the lines' VAT."""
        return sum((line.vat for line in self.lines), Decimal("0"))

    @property
    def total(self) -> Decimal:
        """Sum of the lines, VAT included."""
        return self.net_total + self.vat_total

    @property
    def consumption(self) -> int:
        """What the period consumed over every register."""
        return sum(index.consumption for index in self.indexes)


def register_indexes(
    registers: Sequence[Register], readings: Sequence[MeterReading], start: date, end: date
) -> tuple[RegisterIndexes, ...]:
    """Per register, the latest index on or before ``start`` and the latest on or before ``end`` (after the first);
    empty unless every register has both."""
    found = []
    for register in registers:
        mine = sorted((r.reading_date, r.value) for r in readings if r.register_id == register.id)
        before = [point for point in mine if point[0] <= start]
        if not before:
            return ()
        opening = before[-1]
        after = [point for point in mine if opening[0] < point[0] <= end]
        if not after:
            return ()
        closing = after[-1]
        found.append(RegisterIndexes(register.code, register.unit, opening[0], opening[1], closing[0], closing[1]))
    return tuple(found)


def consumption_lines(tariff: Tariff, consumptions: Sequence[tuple[str, int]], months: int) -> list[DocumentLine]:
    """The lines of a period: the energy of each register at the tariff's price, then the fixed fee."""
    lines = []
    for code, quantity in consumptions:
        net = (Decimal(quantity) * tariff.unit_price).quantize(CENT, ROUND_HALF_UP)
        lines.append(
            DocumentLine(
                _("Energy · %(register)s", register=register_label(code)),
                net,
                tariff.vat_rate,
                vat_on(net, tariff.vat_rate),
                quantity=Decimal(quantity),
                unit="kWh",
                unit_price=tariff.unit_price,
            )
        )
    fixed = (tariff.fixed_monthly * months).quantize(CENT, ROUND_HALF_UP)
    lines.append(
        DocumentLine(
            _("Fixed fee"),
            fixed,
            tariff.vat_rate,
            vat_on(fixed, tariff.vat_rate),
            quantity=Decimal(months),
            unit=_("months"),
            unit_price=tariff.fixed_monthly,
        )
    )
    return lines


def deduction_of(advances: Sequence[Advance], rate: Decimal) -> Deduction:
    """The advances of a period, each split into net and VAT as on its own invoice."""
    net = vat = Decimal("0")
    for advance in advances:
        advance_net, advance_vat = split_vat(advance.amount, rate)
        net += advance_net
        vat += advance_vat
    return Deduction(len(advances), net, vat)


def settlement_total(lines: Sequence[DocumentLine], deduction: Deduction) -> Decimal:
    """What a settlement asks for (negative: what its credit note gives back)."""
    return sum((line.total for line in lines), Decimal("0")) - deduction.total


def _advance_description(invoice: Invoice, frequency: str, energy: str) -> str:
    months = 3 if frequency == Frequency.QUARTERLY else 1
    first = invoice.issue_date.replace(day=1)
    if months == 1:
        period = format_date(first, "MMMM y")
    else:
        period = f"{format_date(first, 'MMMM y')} – {format_date(first + relativedelta(months=months - 1), 'MMMM y')}"
    return _("Advance %(period)s · %(energy)s", period=period, energy=energy_label(energy))


def _payment_state(facts: InvoiceFacts) -> PaymentState:
    line, invoice = facts.line, facts.line.invoice
    remaining = line.outstanding
    if invoice.cancelled:
        state = "cancelled"
    elif invoice.kind == InvoiceKind.CREDIT_NOTE:
        state = "credited"
    elif remaining <= 0:
        state = "paid"
    elif line.paid > 0:
        state = "partly_paid"
    else:
        state = line.status
    return PaymentState(
        state,
        line.paid,
        remaining,
        line.paid_on,
        invoice.due_date,
        _collecting_mandate(facts.mandate, invoice.kind) if remaining > 0 else None,
    )


def _collecting_mandate(mandate: DirectDebitMandate | None, kind: str) -> str | None:
    """The reference of the mandate that collects this kind of invoice, if there is one."""
    if mandate is None:
        return None
    if kind == InvoiceKind.ADVANCE or (
        kind == InvoiceKind.SETTLEMENT and mandate.scope == MandateScope.ADVANCES_AND_SETTLEMENT
    ):
        return mandate.reference
    return None


def _single_line(description: str, total: Decimal, rate: Decimal) -> DocumentLine:
    net, vat = split_vat(total, rate)
    return DocumentLine(description, net, rate, vat)


def build_document(facts: InvoiceFacts, customer: Customer) -> InvoiceDocument:
    """The document of an invoice from what the backend knows of it.

    A settlement (or the credit note closing a period) details the period's consumption from the meter
    indexes at the tariff's prices and deducts the advances; when the indexes are missing or the detail does
    not add up to the invoiced amount (data from another system), the period is one line of the invoiced
    total, so the document never contradicts the amount booked.
    """
    invoice = facts.line.invoice
    site = facts.site
    rate = site.tariff.vat_rate if site is not None else STANDARD_VAT
    period = (facts.period.start_date, facts.period.end_date) if facts.period is not None else None
    indexes: tuple[RegisterIndexes, ...] = ()
    deduction = None
    if invoice.kind == InvoiceKind.ADVANCE:
        frequency, energy = (site.contract.billing_frequency, site.point.energy) if site else (Frequency.MONTHLY, "")
        lines = [_single_line(_advance_description(invoice, frequency, energy), invoice.amount, rate)]
    elif invoice.kind == InvoiceKind.REMINDER_FEE:
        description = (
            _("Reminder fee for invoice %(number)s", number=facts.related.number)
            if facts.related is not None
            else _("Reminder fee")
        )
        lines = [DocumentLine(description, invoice.amount, Decimal("0"), Decimal("0"))]
    elif period is not None and site is not None:
        indexes = register_indexes(facts.registers, facts.readings, *period)
        deduction = deduction_of(facts.advances, rate)
        booked = invoice.amount if invoice.kind == InvoiceKind.SETTLEMENT else -invoice.amount
        lines = consumption_lines(
            site.tariff, [(index.register, index.consumption) for index in indexes], months_between(*period)
        )
        if not indexes or settlement_total(lines, deduction) != booked:
            lines = [_single_line(_("Energy supplied in the billing period"), booked + deduction.total, rate)]
            indexes = ()
    else:
        lines = [
            _single_line(_("Credit") if invoice.kind == InvoiceKind.CREDIT_NOTE else _("Energy"), invoice.amount, rate)
        ]
    return InvoiceDocument(
        invoice=invoice,
        customer=customer,
        lines=lines,
        payment=_payment_state(facts),
        ean=site.point.ean if site else "",
        supply_address=site.point.address if site else "",
        energy=site.point.energy if site else "",
        product=site.contract.product if site else "",
        meter=site.point.meter_number if site else "",
        period=period,
        indexes=indexes,
        deduction=deduction,
        related_number=facts.related.number if facts.related is not None else "",
    )


def quantity_text(line: DocumentLine) -> str:
    """The quantity of a line with its unit (``7 080 kWh``), or nothing."""
    if line.quantity is None:
        return ""
    return f"{format_number(line.quantity)} {line.unit}".strip()
