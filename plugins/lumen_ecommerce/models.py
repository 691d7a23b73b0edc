"""Lumen tables: the customer registry, the product catalogue, signed access requests and orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow
from plugins.lumen_ecommerce.units import unit_label


class LumenCustomer(TenantOwned, Base):
    """A Lumen customer account of the back office (the local registry; CSV import and demo data)."""

    __tablename__ = "lumen_ecommerce_customers"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LumenProduct(TenantOwned, Base):
    """A product of the catalogue, priced in Canadian dollars."""

    __tablename__ = "lumen_ecommerce_products"
    __table_args__ = (UniqueConstraint("tenant_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(default=True)

    def name_for(self, locale: str) -> str:
        """The product name in ``locale`` (French first)."""
        return self.name_en if locale.startswith("en") else self.name_fr

    @property
    def unit_label(self) -> str:
        """The selling unit in the active language (``rouleau`` / ``roll``)."""
        return unit_label(self.unit)


class RequestAction(StrEnum):
    """What a signed access request asks for."""

    CREATE = "create"
    ADD = "add"
    MODIFY = "modify"
    REMOVE = "remove"
    RECOVER = "recover"


class RequestStatus(StrEnum):
    """Where a signed access request stands."""

    PENDING = "pending"
    PROVISIONED = "provisioned"
    REJECTED = "rejected"
    FAILED = "failed"


class LumenAccessRequest(TenantOwned, Base):
    """A signed access request, kept as evidence: exact content, signature, signer, time, IP, UA, hash, PDF."""

    __tablename__ = "lumen_ecommerce_access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str] = mapped_column(String(10))
    customer_number: Mapped[str] = mapped_column(String(20), index=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    signature_typed: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_email: Mapped[str] = mapped_column(String(254))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    locale: Mapped[str] = mapped_column(String(10), default="fr_CA")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    status: Mapped[str] = mapped_column(String(12), default=RequestStatus.PENDING)
    approval_id: Mapped[int | None] = mapped_column(default=None)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class OrderStatus(StrEnum):
    """Where an order stands."""

    PLACED = "placed"
    PENDING_APPROVAL = "pending_approval"
    REJECTED = "rejected"


class LumenOrder(TenantOwned, Base):
    """An order of an account: placed directly, or waiting for the account administrator's approval."""

    __tablename__ = "lumen_ecommerce_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PLACED)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class LumenOrderLine(TenantOwned, Base):
    """One product of an order, with the price at the time of ordering."""

    __tablename__ = "lumen_ecommerce_order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("lumen_ecommerce_orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column()
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
