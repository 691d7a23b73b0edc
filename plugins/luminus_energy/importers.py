"""Registry CSV imports: customers, supply points (EANs validated), tariffs, contracts, readings, invoices, payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowError, Rows, Tenant, is_digits, lazy_gettext
from core.api import gettext as _
from plugins.luminus_energy.ean import compact, ean_problem
from plugins.luminus_energy.models import (
    BillingPeriod,
    Contract,
    Customer,
    Energy,
    Frequency,
    Invoice,
    InvoiceKind,
    MeterReading,
    Payment,
    ReadingSource,
    Register,
    SupplyPoint,
    Tariff,
)

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
        if not is_digits(number) or len(number) > 20:
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


# -- shared cell parsing ----------------------------------------------------------------------------------


def _date(row: dict[str, str], column: str, errors: list[RowError], line: int, *, required: bool = True) -> date | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            errors.append(RowError(line, column, _("This column is required.")))
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(RowError(line, column, _("Use a date like 2026-01-31.")))
        return None


def _decimal(row: dict[str, str], column: str, errors: list[RowError], line: int) -> Decimal | None:
    raw = (row.get(column) or "").strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.append(RowError(line, column, _("Use a number like 123.45.")))
        return None
    if not value.is_finite() or value < 0:
        errors.append(RowError(line, column, _("Use a number like 123.45.")))
        return None
    return value


# -- tariffs -----------------------------------------------------------------------------------------------

TARIFF_COLUMNS = ("code", "name", "energy", "unit_price", "fixed_monthly", "vat_rate")


async def validate_tariffs(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Codes present, energy known, prices numeric."""
    errors: list[RowError] = []
    for line, row in enumerate(rows, start=2):
        if not (row.get("code") or "").strip():
            errors.append(RowError(line, "code", _("This column is required.")))
        if (row.get("energy") or "").strip() not in {e.value for e in Energy}:
            errors.append(RowError(line, "energy", _("Use electricity or gas.")))
        for column in ("unit_price", "fixed_monthly", "vat_rate"):
            _decimal(row, column, errors, line)
    return errors


async def apply_tariffs(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update tariffs by code."""
    for row in rows:
        code = row["code"].strip()
        tariff = await db.scalar(select(Tariff).where(Tariff.code == code))
        if tariff is None:
            tariff = Tariff(code=code, name="", energy="", unit_price=Decimal(0))
            db.add(tariff)
        tariff.name = (row.get("name") or code).strip()
        tariff.energy = row["energy"].strip()
        tariff.unit_price = Decimal(row["unit_price"].strip().replace(",", "."))
        tariff.fixed_monthly = Decimal(row["fixed_monthly"].strip().replace(",", "."))
        tariff.vat_rate = Decimal(row["vat_rate"].strip().replace(",", "."))
    await db.flush()
    return len(rows)


# -- contracts (with their open billing period) --------------------------------------------------------------

CONTRACT_COLUMNS = (
    "customer_number",
    "ean",
    "number",
    "tariff_code",
    "start_date",
    "end_date",
    "billing_frequency",
    "advance_amount",
    "estimated_annual_consumption",
    "period_start",
    "period_end",
)


async def validate_contracts(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Known customer, EAN of that customer, known tariff, dates, frequency and amounts."""
    errors: list[RowError] = []
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    points = {p.ean: p.customer_id for p in await db.scalars(select(SupplyPoint))}
    tariff_codes = set(await db.scalars(select(Tariff.code)))
    for line, row in enumerate(rows, start=2):
        customer_id = customers.get((row.get("customer_number") or "").strip())
        if customer_id is None:
            errors.append(RowError(line, "customer_number", _("Unknown customer number: import the customers first.")))
        ean = compact(row.get("ean") or "")
        if ean_problem(ean):
            errors.append(RowError(line, "ean", str(ean_problem(ean))))
        elif points.get(ean) is None or points.get(ean) != customer_id:
            errors.append(RowError(line, "ean", _("This EAN is not a supply point of this customer.")))
        if not (row.get("number") or "").strip():
            errors.append(RowError(line, "number", _("This column is required.")))
        if (row.get("tariff_code") or "").strip() not in tariff_codes:
            errors.append(RowError(line, "tariff_code", _("Unknown tariff: import the tariffs first.")))
        start = _date(row, "start_date", errors, line)
        end = _date(row, "end_date", errors, line, required=False)
        if start and end and end < start:
            errors.append(RowError(line, "end_date", _("The end date must come after the start date.")))
        if (row.get("billing_frequency") or "").strip() not in {f.value for f in Frequency}:
            errors.append(RowError(line, "billing_frequency", _("Use monthly or quarterly.")))
        _decimal(row, "advance_amount", errors, line)
        _decimal(row, "estimated_annual_consumption", errors, line)
        period_start = _date(row, "period_start", errors, line)
        period_end = _date(row, "period_end", errors, line)
        if period_start and period_end and period_end <= period_start:
            errors.append(RowError(line, "period_end", _("The end date must come after the start date.")))
    return errors


async def apply_contracts(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update contracts by number, and their open billing period."""
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    points = {p.ean: p.id for p in await db.scalars(select(SupplyPoint))}
    tariffs = {t.code: t.id for t in await db.scalars(select(Tariff))}
    for row in rows:
        number = row["number"].strip()
        contract = await db.scalar(select(Contract).where(Contract.number == number))
        values = {
            "customer_id": customers[row["customer_number"].strip()],
            "supply_point_id": points[compact(row["ean"])],
            "tariff_id": tariffs[row["tariff_code"].strip()],
            "start_date": date.fromisoformat(row["start_date"].strip()),
            "end_date": date.fromisoformat(row["end_date"].strip()) if (row.get("end_date") or "").strip() else None,
            "billing_frequency": row["billing_frequency"].strip(),
            "advance_amount": Decimal(row["advance_amount"].strip().replace(",", ".")),
            "estimated_annual_consumption": Decimal(row["estimated_annual_consumption"].strip().replace(",", ".")),
        }
        if contract is None:
            contract = Contract(number=number, **values)
            db.add(contract)
            await db.flush()
        else:
            for key, value in values.items():
                setattr(contract, key, value)
        period_start = date.fromisoformat(row["period_start"].strip())
        period = await db.scalar(
            select(BillingPeriod).where(
                BillingPeriod.contract_id == contract.id, BillingPeriod.start_date == period_start
            )
        )
        if period is None:
            db.add(
                BillingPeriod(
                    contract_id=contract.id,
                    start_date=period_start,
                    end_date=date.fromisoformat(row["period_end"].strip()),
                    closed=False,
                )
            )
    await db.flush()
    return len(rows)


# -- meter readings -------------------------------------------------------------------------------------------

READING_COLUMNS = ("ean", "register", "date", "value", "source")


async def validate_readings(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Existing EAN and register, date, whole index, known source."""
    errors: list[RowError] = []
    registers = {
        (ean, code)
        for ean, code in await db.execute(
            select(SupplyPoint.ean, Register.code).join(Register, Register.supply_point_id == SupplyPoint.id)
        )
    }
    for line, row in enumerate(rows, start=2):
        ean = compact(row.get("ean") or "")
        if (ean, (row.get("register") or "").strip()) not in registers:
            errors.append(RowError(line, "register", _("Unknown EAN or register: import the supply points first.")))
        _date(row, "date", errors, line)
        if not is_digits((row.get("value") or "").strip()):
            errors.append(RowError(line, "value", _("An index contains digits only.")))
        if (row.get("source") or "").strip() not in {s.value for s in ReadingSource}:
            errors.append(RowError(line, "source", _("Use grid_operator, customer or estimated.")))
    return errors


async def apply_readings(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Add readings (a reading with the same register, date and source is replaced)."""
    lookup = {
        (ean, code): register_id
        for ean, code, register_id in await db.execute(
            select(SupplyPoint.ean, Register.code, Register.id).join(
                Register, Register.supply_point_id == SupplyPoint.id
            )
        )
    }
    for row in rows:
        register_id = lookup[(compact(row["ean"]), row["register"].strip())]
        day = date.fromisoformat(row["date"].strip())
        source = row["source"].strip()
        reading = await db.scalar(
            select(MeterReading).where(
                MeterReading.register_id == register_id,
                MeterReading.reading_date == day,
                MeterReading.source == source,
            )
        )
        if reading is None:
            reading = MeterReading(register_id=register_id, reading_date=day, source=source, value=0)
            db.add(reading)
        reading.value = int(row["value"].strip())
    await db.flush()
    return len(rows)


# -- invoices and payments ------------------------------------------------------------------------------------

INVOICE_COLUMNS = ("customer_number", "number", "kind", "issue_date", "due_date", "amount", "contract_number")
PAYMENT_COLUMNS = ("customer_number", "invoice_number", "paid_on", "amount", "method")


async def validate_invoices(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Known customer (and contract of that customer), kind, dates and amount."""
    errors: list[RowError] = []
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    contracts = {c.number: c.customer_id for c in await db.scalars(select(Contract))}
    for line, row in enumerate(rows, start=2):
        customer_id = customers.get((row.get("customer_number") or "").strip())
        if customer_id is None:
            errors.append(RowError(line, "customer_number", _("Unknown customer number: import the customers first.")))
        if not (row.get("number") or "").strip():
            errors.append(RowError(line, "number", _("This column is required.")))
        if (row.get("kind") or "").strip() not in {k.value for k in InvoiceKind}:
            errors.append(RowError(line, "kind", _("Use advance, settlement, credit_note or reminder_fee.")))
        _date(row, "issue_date", errors, line)
        _date(row, "due_date", errors, line)
        _decimal(row, "amount", errors, line)
        contract_number = (row.get("contract_number") or "").strip()
        if contract_number and contracts.get(contract_number) != customer_id:
            errors.append(RowError(line, "contract_number", _("This contract does not belong to this customer.")))
    return errors


async def apply_invoices(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Create or update invoices by number."""
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    contracts = {c.number: c.id for c in await db.scalars(select(Contract))}
    for row in rows:
        number = row["number"].strip()
        invoice = await db.scalar(select(Invoice).where(Invoice.number == number))
        if invoice is None:
            invoice = Invoice(number=number, customer_id=0, kind="", issue_date=date.min, due_date=date.min, amount=0)
            db.add(invoice)
        invoice.customer_id = customers[row["customer_number"].strip()]
        invoice.kind = row["kind"].strip()
        invoice.issue_date = date.fromisoformat(row["issue_date"].strip())
        invoice.due_date = date.fromisoformat(row["due_date"].strip())
        invoice.amount = Decimal(row["amount"].strip().replace(",", "."))
        invoice.contract_id = contracts.get((row.get("contract_number") or "").strip())
    await db.flush()
    return len(rows)


async def validate_payments(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Known customer, invoice of that customer, date and amount."""
    errors: list[RowError] = []
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    invoices = {i.number: i.customer_id for i in await db.scalars(select(Invoice))}
    for line, row in enumerate(rows, start=2):
        customer_id = customers.get((row.get("customer_number") or "").strip())
        if customer_id is None:
            errors.append(RowError(line, "customer_number", _("Unknown customer number: import the customers first.")))
        invoice_number = (row.get("invoice_number") or "").strip()
        if invoice_number and invoices.get(invoice_number) != customer_id:
            errors.append(RowError(line, "invoice_number", _("This invoice does not belong to this customer.")))
        _date(row, "paid_on", errors, line)
        _decimal(row, "amount", errors, line)
    return errors


async def apply_payments(db: AsyncSession, tenant: Tenant, rows: Rows) -> int:
    """Add payments."""
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    invoices = {i.number: i.id for i in await db.scalars(select(Invoice))}
    for row in rows:
        db.add(
            Payment(
                customer_id=customers[row["customer_number"].strip()],
                invoice_id=invoices.get((row.get("invoice_number") or "").strip()),
                paid_on=date.fromisoformat(row["paid_on"].strip()),
                amount=Decimal(row["amount"].strip().replace(",", ".")),
                method=(row.get("method") or "transfer").strip() or "transfer",
            )
        )
    await db.flush()
    return len(rows)


def importers() -> list[RegistryImporter]:
    """The plugin's registry importers, in the order an operator runs them."""
    return [
        RegistryImporter(
            "customers", lazy_gettext("Luminus SME customers"), CUSTOMER_COLUMNS, validate_customers, apply_customers
        ),
        RegistryImporter(
            "supply_points", lazy_gettext("Luminus supply points (EAN)"), POINT_COLUMNS, validate_points, apply_points
        ),
        RegistryImporter("tariffs", lazy_gettext("Luminus tariffs"), TARIFF_COLUMNS, validate_tariffs, apply_tariffs),
        RegistryImporter(
            "contracts", lazy_gettext("Luminus contracts"), CONTRACT_COLUMNS, validate_contracts, apply_contracts
        ),
        RegistryImporter(
            "readings", lazy_gettext("Luminus meter readings"), READING_COLUMNS, validate_readings, apply_readings
        ),
        RegistryImporter(
            "invoices", lazy_gettext("Luminus invoices"), INVOICE_COLUMNS, validate_invoices, apply_invoices
        ),
        RegistryImporter(
            "payments", lazy_gettext("Luminus payments"), PAYMENT_COLUMNS, validate_payments, apply_payments
        ),
    ]
