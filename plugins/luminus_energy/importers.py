"""Registry CSV imports: customers and supply points (EANs validated on import)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowError, Rows, Tenant, lazy_gettext
from core.api import gettext as _
from plugins.luminus_energy.ean import compact, ean_problem
from plugins.luminus_energy.models import Customer, Energy, Register, SupplyPoint

CUSTOMER_COLUMNS = ("number", "name", "vat_number", "email", "language", "billing_address")
POINT_COLUMNS = (
    "customer_number",
    "ean",
    "energy",
    "street",
    "postcode",
    "city",
    "meter_number",
    "grid_operator",
    "registers",
)
REGISTER_CODES = {"single", "day", "night", "excl_night", "gas"}
LANGUAGES = {"fr_BE", "nl_BE", "en"}


async def validate_customers(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Customer numbers are digits and unique in the file; names present; language known."""
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        number = (row.get("number") or "").strip()
        if not number.isdigit() or len(number) > 20:
            errors.append(RowError(line, "number", _("A customer number contains digits only.")))
        elif number in seen:
            errors.append(RowError(line, "number", _("This customer number appears twice in the file.")))
        seen.add(number)
        if not (row.get("name") or "").strip():
            errors.append(RowError(line, "name", _("The company name is required.")))
        language = (row.get("language") or "fr_BE").strip()
        if language not in LANGUAGES:
            errors.append(RowError(line, "language", _("Use fr_BE or nl_BE.")))
    return errors


async def apply_customers(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update customers by number."""
    count = 0
    for row in rows:
        number = row["number"].strip()
        customer = await db.scalar(select(Customer).where(Customer.number == number))
        if customer is None:
            customer = Customer(number=number, name=row["name"].strip())
            db.add(customer)
        customer.name = row["name"].strip()
        customer.vat_number = (row.get("vat_number") or "").strip()
        customer.email = (row.get("email") or "").strip()
        customer.language = (row.get("language") or "fr_BE").strip()
        customer.billing_address = (row.get("billing_address") or "").strip()
        count += 1
    await db.flush()
    return count


async def validate_points(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Known customer, valid Belgian EAN (GS1 check digit), energy and register codes."""
    errors: list[RowError] = []
    numbers = set(await db.scalars(select(Customer.number)))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if (row.get("customer_number") or "").strip() not in numbers:
            errors.append(RowError(line, "customer_number", _("Unknown customer number: import the customers first.")))
        ean = compact(row.get("ean") or "")
        problem = ean_problem(ean)
        if problem:
            errors.append(RowError(line, "ean", problem))
        elif ean in seen:
            errors.append(RowError(line, "ean", _("This EAN appears twice in the file.")))
        seen.add(ean)
        energy = (row.get("energy") or "").strip()
        if energy not in {e.value for e in Energy}:
            errors.append(RowError(line, "energy", _("Use electricity or gas.")))
        codes = [c.strip() for c in (row.get("registers") or "").split(";") if c.strip()]
        if not codes or any(c not in REGISTER_CODES for c in codes):
            errors.append(RowError(line, "registers", _("Registers: single, day;night, excl_night or gas.")))
        for column in ("street", "postcode", "city"):
            if not (row.get(column) or "").strip():
                errors.append(RowError(line, column, _("This column is required.")))
    return errors


async def apply_points(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update supply points by EAN, with their registers."""
    customers = {c.number: c for c in await db.scalars(select(Customer))}
    count = 0
    for row in rows:
        ean = compact(row["ean"])
        point = await db.scalar(select(SupplyPoint).where(SupplyPoint.ean == ean))
        values = {
            "customer_id": customers[row["customer_number"].strip()].id,
            "energy": row["energy"].strip(),
            "street": row["street"].strip(),
            "postcode": row["postcode"].strip(),
            "city": row["city"].strip(),
            "meter_number": (row.get("meter_number") or "").strip(),
            "grid_operator": (row.get("grid_operator") or "").strip(),
        }
        if point is None:
            point = SupplyPoint(ean=ean, **values)
            db.add(point)
            await db.flush()
        else:
            for key, value in values.items():
                setattr(point, key, value)
        existing = set(await db.scalars(select(Register.code).where(Register.supply_point_id == point.id)))
        for code in [c.strip() for c in row["registers"].split(";") if c.strip()]:
            if code not in existing:
                db.add(Register(supply_point_id=point.id, code=code, unit="kWh"))
        count += 1
    await db.flush()
    return count


def importers() -> list[RegistryImporter]:
    """The plugin's registry importers."""
    return [
        RegistryImporter(
            "customers", lazy_gettext("Luminus SME customers"), CUSTOMER_COLUMNS, validate_customers, apply_customers
        ),
        RegistryImporter(
            "supply_points", lazy_gettext("Luminus supply points (EAN)"), POINT_COLUMNS, validate_points, apply_points
        ),
    ]
