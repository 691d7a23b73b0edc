"""The customer registry: a protocol an operator may implement with a connector to Lumen's real system,
and the local implementation over the plugin's tables (filled by CSV import and ``portique demo``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import Account
from plugins.lumen_ecommerce.models import LumenCustomer, LumenProduct

NUMBER = re.compile(r"^[0-9]{4,10}$")


def normalize_customer_number(value: str) -> str:
    """A customer number as stored: digits only (spaces and dashes dropped)."""
    return re.sub(r"[\s-]", "", value or "")


@dataclass(frozen=True)
class CustomerRecord:
    """What the back office says about a customer number."""

    number: str
    name: str
    active: bool


class CustomerRegistry(Protocol):
    """What the plugin needs from Lumen's back office."""

    async def lookup(self, db: AsyncSession, number: str) -> CustomerRecord | None:
        """The customer with this number, or ``None`` when the number is unknown."""
        ...

    async def has_ecommerce_account(self, db: AsyncSession, number: str) -> bool:
        """An e-commerce account already exists for this customer number."""
        ...

    async def products(self, db: AsyncSession, query: str = "", limit: int = 50) -> list[LumenProduct]:
        """Active products matching ``query`` (SKU or name), by SKU."""
        ...

    async def product(self, db: AsyncSession, sku: str) -> LumenProduct | None:
        """One active product by SKU."""
        ...


class LocalCustomerRegistry:
    """The registry kept in the portal's own tables."""

    async def lookup(self, db: AsyncSession, number: str) -> CustomerRecord | None:
        """The customer with this number, or ``None`` when the number is unknown."""
        number = normalize_customer_number(number)
        row = await db.scalar(select(LumenCustomer).where(LumenCustomer.number == number))
        if row is None:
            return None
        return CustomerRecord(number=row.number, name=row.name, active=row.active)

    async def has_ecommerce_account(self, db: AsyncSession, number: str) -> bool:
        """An e-commerce account already exists for this customer number."""
        account = await db.scalar(select(Account).where(Account.number == normalize_customer_number(number)))
        return account is not None and bool((account.plugin_data or {}).get("ecommerce"))

    async def products(self, db: AsyncSession, query: str = "", limit: int = 50) -> list[LumenProduct]:
        """Active products matching ``query`` (SKU or name), by SKU."""
        statement = select(LumenProduct).where(LumenProduct.active.is_(True))
        query = query.strip()[:100]
        if query:
            pattern = f"%{query.lower()}%"
            statement = statement.where(
                or_(
                    func.lower(LumenProduct.sku).like(pattern),
                    func.lower(LumenProduct.name_fr).like(pattern),
                    func.lower(LumenProduct.name_en).like(pattern),
                )
            )
        return list((await db.scalars(statement.order_by(LumenProduct.sku).limit(limit))).all())

    async def product(self, db: AsyncSession, sku: str) -> LumenProduct | None:
        """One active product by SKU."""
        return await db.scalar(select(LumenProduct).where(LumenProduct.sku == sku, LumenProduct.active.is_(True)))


async def upsert_customer(
    db: AsyncSession, number: str, name: str, *, active: bool, address: str = "", city: str = "", **extra: str
) -> LumenCustomer:
    """Create or update a customer of the local registry."""
    number = normalize_customer_number(number)
    row = await db.scalar(select(LumenCustomer).where(LumenCustomer.number == number))
    if row is None:
        row = LumenCustomer(number=number, name=name)
        db.add(row)
    row.name, row.active, row.address, row.city = name, active, address, city
    row.postal_code = extra.get("postal_code", row.postal_code or "")
    row.phone = extra.get("phone", row.phone or "")
    await db.flush()
    return row


async def upsert_product(
    db: AsyncSession, sku: str, name_fr: str, name_en: str, price: Decimal, unit: str = ""
) -> LumenProduct:
    """Create or update a product of the local catalogue."""
    row = await db.scalar(select(LumenProduct).where(LumenProduct.sku == sku))
    if row is None:
        row = LumenProduct(sku=sku, name_fr=name_fr, name_en=name_en, price=price)
        db.add(row)
    row.name_fr, row.name_en, row.price, row.unit, row.active = name_fr, name_en, price, unit, True
    await db.flush()
    return row
