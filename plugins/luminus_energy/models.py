"""Back-office tables of the local Luminus backend (customers, contracts, supply points, billing, readings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow

Money = Numeric(12, 2)


class Energy(StrEnum):
    """Kind of energy of a supply point."""

    ELECTRICITY = "electricity"
    GAS = "gas"


class Frequency(StrEnum):
    """How often advances are invoiced."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class InvoiceKind(StrEnum):
    """Kinds of billing documents."""

    ADVANCE = "advance"
    SETTLEMENT = "settlement"
    CREDIT_NOTE = "credit_note"
    REMINDER_FEE = "reminder_fee"


class ReadingSource(StrEnum):
    """Who provided a meter index."""

    GRID_OPERATOR = "grid_operator"
    CUSTOMER = "customer"
    ESTIMATED = "estimated"


class MandateScope(StrEnum):
    """What a direct-debit mandate pays."""

    ADVANCES = "advances"
    ADVANCES_AND_SETTLEMENT = "advances_and_settlement"


class Customer(TenantOwned, Base):
    """An SME customer of the supplier (one portal account)."""

    __tablename__ = "luminus_energy_customers"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(10), default="fr_BE")
    billing_address: Mapped[str] = mapped_column(String(300), default="")
    e_invoice: Mapped[bool] = mapped_column(default=False)
    e_invoice_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tariff(TenantOwned, Base):
    """Prices used for simulations (per kWh, fixed fee per month, VAT rate)."""

    __tablename__ = "luminus_energy_tariffs"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    energy: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 5))
    fixed_monthly: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("21"))


class SupplyPoint(TenantOwned, Base):
    """A connection point identified by its EAN, with its meter and address."""

    __tablename__ = "luminus_energy_supply_points"
    __table_args__ = (
        UniqueConstraint("tenant_id", "ean"),
        # a customer's supply points, by EAN (the tenant's criterion comes first, as in every query)
        Index("ix_luminus_energy_supply_points_customer", "tenant_id", "customer_id", "ean"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    ean: Mapped[str] = mapped_column(String(18))
    energy: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    meter_number: Mapped[str] = mapped_column(String(30), default="")
    grid_operator: Mapped[str] = mapped_column(String(60), default="")

    @property
    def address(self) -> str:
        """One-line supply address."""
        return f"{self.street}, {self.postcode} {self.city}"


class Register(TenantOwned, Base):
    """A counter of a meter: single, day, night, exclusive night or gas."""

    __tablename__ = "luminus_energy_registers"
    __table_args__ = (
        UniqueConstraint("supply_point_id", "code"),
        Index("ix_luminus_energy_registers_supply_point", "tenant_id", "supply_point_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supply_point_id: Mapped[int] = mapped_column(
        ForeignKey("luminus_energy_supply_points.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(10), default="kWh")


class Contract(TenantOwned, Base):
    """A supply contract for one supply point, with its advance amount and billing frequency."""

    __tablename__ = "luminus_energy_contracts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_luminus_energy_contracts_customer", "tenant_id", "customer_id", "number"),
        Index("ix_luminus_energy_contracts_supply_point", "tenant_id", "supply_point_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    supply_point_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_supply_points.id", ondelete="CASCADE"))
    tariff_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_tariffs.id"))
    number: Mapped[str] = mapped_column(String(20))
    product: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date | None] = mapped_column(default=None)
    billing_frequency: Mapped[str] = mapped_column(String(20), default=Frequency.MONTHLY)
    advance_amount: Mapped[Decimal] = mapped_column(Money)
    estimated_annual_consumption: Mapped[Decimal] = mapped_column(Numeric(12, 1))


class BillingPeriod(TenantOwned, Base):
    """A consumption period closed by a settlement invoice."""

    __tablename__ = "luminus_energy_billing_periods"
    __table_args__ = (Index("ix_luminus_energy_billing_periods_contract", "tenant_id", "contract_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_contracts.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date] = mapped_column()
    closed: Mapped[bool] = mapped_column(default=False)


class Invoice(TenantOwned, Base):
    """A billing document: advance, settlement, credit note or reminder fee."""

    __tablename__ = "luminus_energy_invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        # a customer's invoices, newest first (the tenant's criterion comes first, as in every query)
        Index("ix_luminus_energy_invoices_customer", "tenant_id", "customer_id", "issue_date", "id"),
        Index("ix_luminus_energy_invoices_contract", "tenant_id", "contract_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("luminus_energy_contracts.id", ondelete="SET NULL"), default=None, index=True
    )
    billing_period_id: Mapped[int | None] = mapped_column(
        ForeignKey("luminus_energy_billing_periods.id", ondelete="SET NULL"), default=None
    )
    related_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("luminus_energy_invoices.id", ondelete="SET NULL"), default=None
    )
    number: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    issue_date: Mapped[date] = mapped_column()
    due_date: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)
    cancelled: Mapped[bool] = mapped_column(default=False)


class Advance(TenantOwned, Base):
    """An advance invoiced for a contract in a billing period."""

    __tablename__ = "luminus_energy_advances"
    __table_args__ = (Index("ix_luminus_energy_advances_period", "tenant_id", "billing_period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_contracts.id", ondelete="CASCADE"), index=True)
    billing_period_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_billing_periods.id", ondelete="CASCADE"))
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("luminus_energy_invoices.id", ondelete="SET NULL"), default=None
    )
    due_date: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)


class Payment(TenantOwned, Base):
    """Money received from the customer, allocated to an invoice when known."""

    __tablename__ = "luminus_energy_payments"
    __table_args__ = (Index("ix_luminus_energy_payments_customer", "tenant_id", "customer_id", "paid_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("luminus_energy_invoices.id", ondelete="SET NULL"), default=None, index=True
    )
    paid_on: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(20), default="transfer")
    reference: Mapped[str] = mapped_column(String(40), default="")


class MeterReading(TenantOwned, Base):
    """An index of a register on a date, with its source."""

    __tablename__ = "luminus_energy_meter_readings"
    __table_args__ = (
        Index("ix_luminus_energy_meter_readings_register", "tenant_id", "register_id", "reading_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_registers.id", ondelete="CASCADE"), index=True)
    reading_date: Mapped[date] = mapped_column()
    value: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(String(20))
    entered_by_user_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DirectDebitMandate(TenantOwned, Base):
    """A SEPA direct-debit mandate of a customer."""

    __tablename__ = "luminus_energy_mandates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_luminus_energy_mandates_customer", "tenant_id", "customer_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(35))
    iban: Mapped[str] = mapped_column(String(34))
    holder: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)
    signed_by_user_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdvanceChange(TenantOwned, Base):
    """History of advance-amount changes of a contract."""

    __tablename__ = "luminus_energy_advance_changes"
    __table_args__ = (
        Index("ix_luminus_energy_advance_changes_contract", "tenant_id", "contract_id", "changed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_contracts.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_amount: Mapped[Decimal] = mapped_column(Money)
    new_amount: Mapped[Decimal] = mapped_column(Money)
    user_id: Mapped[int | None] = mapped_column(default=None)
    channel: Mapped[str] = mapped_column(String(20), default="online")


class ServiceRequest(TenantOwned, Base):
    """A request the customer filed online (archive invoice, reminder-fee cancellation, help…)."""

    __tablename__ = "luminus_energy_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_luminus_energy_requests_customer", "tenant_id", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("luminus_energy_customers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(default=None)
    reference: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
