"""What the backend answers: an invoice line, a payment line, a contract's site, the facts of a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from plugins.luminus_energy.models import (
    Advance,
    AdvanceChange,
    BillingPeriod,
    Contract,
    DirectDebitMandate,
    Invoice,
    InvoiceKind,
    MeterReading,
    Payment,
    Register,
    SupplyPoint,
    Tariff,
)


@dataclass(frozen=True)
class InvoiceLine:
    """An invoice with what was paid on it and its status today."""

    invoice: Invoice
    paid: Decimal
    status: str
    paid_on: date | None = None  # the day of the latest payment on it

    @property
    def outstanding(self) -> Decimal:
        """What remains to be paid (0 for credit notes)."""
        if self.invoice.kind == InvoiceKind.CREDIT_NOTE or self.invoice.cancelled:
            return Decimal("0")
        return max(Decimal("0"), self.invoice.amount - self.paid)


@dataclass(frozen=True)
class PaymentLine:
    """A payment with the number of the invoice it paid (empty when it was not allocated)."""

    payment: Payment
    invoice_number: str


@dataclass(frozen=True)
class ContractSite:
    """A contract with its supply point and its tariff."""

    contract: Contract
    point: SupplyPoint
    tariff: Tariff


@dataclass(frozen=True)
class AdvanceFacts:
    """What the advance pages need of one contract.

    Its site and tariff; its open billing period (the one containing today, else the latest) with the
    advances invoiced in it; the registers of its meter and their readings, newest first; the history of
    its advance, newest first.
    """

    contract: Contract
    point: SupplyPoint
    tariff: Tariff
    period: BillingPeriod | None
    advances: list[Advance]
    registers: list[Register]
    readings: list[MeterReading]
    changes: list[AdvanceChange]


@dataclass(frozen=True)
class InvoiceFacts:
    """What the document of one invoice prints besides the invoice itself.

    The contract's site and tariff; the billing period; for a settlement or a credit note closing a period,
    the advances invoiced in it and the registers of the meter with their readings (newest first); for a
    reminder fee, the invoice it relates to; the customer's active direct-debit mandate.
    """

    line: InvoiceLine
    site: ContractSite | None
    period: BillingPeriod | None
    advances: list[Advance]
    registers: list[Register]
    readings: list[MeterReading]
    related: Invoice | None
    mandate: DirectDebitMandate | None
