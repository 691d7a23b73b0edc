"""CSV imports of Lumen's customer registry and product catalogue (console or CLI)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowChecks, RowError, Rows, Tenant, lazy_gettext
from plugins.lumen_ecommerce.backend import NUMBER, normalize_customer_number, upsert_customer, upsert_product
from plugins.lumen_ecommerce.forms import normalize_postal_code
from plugins.lumen_ecommerce.units import unit_code

CUSTOMER_COLUMNS = ("number", "name", "status", "address", "city", "postal_code", "phone")
PRODUCT_COLUMNS = ("sku", "name_fr", "name_en", "price", "unit")
STATUSES = {"active": True, "actif": True, "inactive": False, "inactif": False}


async def validate_customers(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of a customers CSV (numbers, names, statuses, postal codes, duplicates)."""
    check = RowChecks()
    for row in check.each(rows):
        number = normalize_customer_number(row.get("number", ""))
        if not NUMBER.match(number):
            check.fail("number", lazy_gettext("A customer number has 4 to 10 digits."))
        else:
            check.unique("number", number, lazy_gettext("This customer number appears twice."))
        if not check.cell(row, "name"):
            check.fail("name", lazy_gettext("The name is missing."))
        if check.cell(row, "status").lower() not in STATUSES:
            check.fail("status", lazy_gettext("The status is “active” or “inactive”."))
        postal = check.cell(row, "postal_code")
        if postal and normalize_postal_code(postal) is None:
            check.fail("postal_code", lazy_gettext("This is not a Canadian postal code."))
    return check.errors


async def apply_customers(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update the customers; returns how many rows were written."""
    for row in rows:
        await upsert_customer(
            db,
            row["number"],
            row["name"].strip(),
            active=STATUSES[row["status"].strip().lower()],
            address=row.get("address", "").strip(),
            city=row.get("city", "").strip(),
            postal_code=normalize_postal_code(row.get("postal_code", "")) or "",
            phone=row.get("phone", "").strip(),
        )
    return len(rows)


def _price(value: str) -> Decimal | None:
    try:
        price = Decimal(value.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    return price.quantize(Decimal("0.01")) if price >= 0 else None


async def validate_products(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Every problem of a products CSV (SKU, names, prices, duplicates)."""
    check = RowChecks()
    for row in check.each(rows):
        sku = check.cell(row, "sku")
        if not sku or len(sku) > 40:
            check.fail("sku", lazy_gettext("The product code is missing or too long."))
        else:
            check.unique("sku", sku, lazy_gettext("This product code appears twice."))
        for column in ("name_fr", "name_en"):
            if not check.cell(row, column):
                check.fail(column, lazy_gettext("The name is missing."))
        if _price(row.get("price", "")) is None:
            check.fail("price", lazy_gettext("The price is a positive amount, like 12.50."))
    return check.errors


async def apply_products(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update the products; returns how many rows were written."""
    for row in rows:
        price = _price(row["price"])
        assert price is not None
        unit = row.get("unit", "").strip()
        await upsert_product(
            db, row["sku"].strip(), row["name_fr"].strip(), row["name_en"].strip(), price, unit_code(unit) or unit
        )
    return len(rows)


def importers() -> list[RegistryImporter]:
    """The customers and products imports."""
    return [
        RegistryImporter(
            code="customers",
            label=lazy_gettext("Lumen customers"),
            columns=CUSTOMER_COLUMNS,
            validate=validate_customers,
            apply=apply_customers,
        ),
        RegistryImporter(
            code="products",
            label=lazy_gettext("Lumen products"),
            columns=PRODUCT_COLUMNS,
            validate=validate_products,
            apply=apply_products,
        ),
    ]
