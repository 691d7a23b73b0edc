"""Registry CSV imports: customers, supply points (EANs validated), tariffs, contracts, readings, invoices, payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import RegistryImporter, RowChecks, RowError, Rows, Tenant, is_digits, lazy_gettext, parse_amount
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
ENERGIES = {energy.value for energy in Energy}
FREQUENCIES = {frequency.value for frequency in Frequency}
SOURCES = {source.value for source in ReadingSource}
KINDS = {kind.value for kind in InvoiceKind}


async def validate_customers(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Customer numbers are digits and unique in the file; names present; language known."""
    check = RowChecks()
    for row in check.each(rows):
        number = check.cell(row, "number")
        if not is_digits(number) or len(number) > 20:
            check.fail("number", _("A customer number contains digits only."))
        else:
            check.unique("number", number, _("This customer number appears twice in the file."))
        if not check.cell(row, "name"):
            check.fail("name", _("The company name is required."))
        if check.cell(row, "language", "fr_BE") not in LANGUAGES:
            check.fail("language", _("Use fr_BE or nl_BE."))
    return check.errors


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
    check = RowChecks()
    numbers = set(await db.scalars(select(Customer.number)))
    for row in check.each(rows):
        check.choice(row, "customer_number", numbers, _("Unknown customer number: import the customers first."))
        _ean(check, row, unique=True)
        check.choice(row, "energy", ENERGIES, _("Use electricity or gas."))
        codes = [c.strip() for c in check.cell(row, "registers").split(";") if c.strip()]
        if not codes or any(c not in REGISTER_CODES for c in codes):
            check.fail("registers", _("Registers: single, day;night, excl_night or gas."))
        for column in ("street", "postcode", "city"):
            check.required(row, column)
    return check.errors


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


def _ean(check: RowChecks, row: dict[str, str], *, unique: bool = False) -> str | None:
    """The row's EAN, compacted, when it is a valid Belgian one (and, with ``unique``, new in the file)."""
    ean = compact(row.get("ean") or "")
    problem = ean_problem(ean)
    if problem:
        check.fail("ean", problem)
        return None
    if unique:
        check.unique("ean", ean, _("This EAN appears twice in the file."))
    return ean


# -- tariffs -----------------------------------------------------------------------------------------------

TARIFF_COLUMNS = ("code", "name", "energy", "unit_price", "fixed_monthly", "vat_rate")


async def validate_tariffs(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Codes present, energy known, prices numeric."""
    check = RowChecks()
    for row in check.each(rows):
        check.required(row, "code")
        check.choice(row, "energy", ENERGIES, _("Use electricity or gas."))
        for column in ("unit_price", "fixed_monthly", "vat_rate"):
            check.amount(row, column)
    return check.errors


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
        tariff.unit_price = parse_amount(row["unit_price"])
        tariff.fixed_monthly = parse_amount(row["fixed_monthly"])
        tariff.vat_rate = parse_amount(row["vat_rate"])
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
    check = RowChecks()
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    points = {p.ean: p.customer_id for p in await db.scalars(select(SupplyPoint))}
    tariff_codes = set(await db.scalars(select(Tariff.code)))
    for row in check.each(rows):
        customer_id = _customer(check, row, customers)
        ean = _ean(check, row)
        if ean is not None and (points.get(ean) is None or points.get(ean) != customer_id):
            check.fail("ean", _("This EAN is not a supply point of this customer."))
        check.required(row, "number")
        check.choice(row, "tariff_code", tariff_codes, _("Unknown tariff: import the tariffs first."))
        _period(check, row, "start_date", "end_date", open_ended=True)
        check.choice(row, "billing_frequency", FREQUENCIES, _("Use monthly or quarterly."))
        check.amount(row, "advance_amount")
        check.amount(row, "estimated_annual_consumption")
        _period(check, row, "period_start", "period_end")
    return check.errors


def _customer(check: RowChecks, row: dict[str, str], customers: dict[str, int]) -> int | None:
    """The id of the row's known customer; an unknown number is a problem."""
    customer_id = customers.get(check.cell(row, "customer_number"))
    if customer_id is None:
        check.fail("customer_number", _("Unknown customer number: import the customers first."))
    return customer_id


def _period(check: RowChecks, row: dict[str, str], start: str, end: str, *, open_ended: bool = False) -> None:
    """Two dates, the end after the start; an ``open_ended`` one (a contract) may lack an end or end on day one."""
    first = check.date(row, start)
    last = check.date(row, end, required=not open_ended)
    if first and last and (last < first if open_ended else last <= first):
        check.fail(end, _("The end date must come after the start date."))


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
            "advance_amount": parse_amount(row["advance_amount"]),
            "estimated_annual_consumption": parse_amount(row["estimated_annual_consumption"]),
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
    check = RowChecks()
    registers = {
        (ean, code)
        for ean, code in await db.execute(
            select(SupplyPoint.ean, Register.code).join(Register, Register.supply_point_id == SupplyPoint.id)
        )
    }
    for row in check.each(rows):
        if (compact(row.get("ean") or ""), check.cell(row, "register")) not in registers:
            check.fail("register", _("Unknown EAN or register: import the supply points first."))
        check.date(row, "date")
        if not is_digits(check.cell(row, "value")):
            check.fail("value", _("An index contains digits only."))
        check.choice(row, "source", SOURCES, _("Use grid_operator, customer or estimated."))
    return check.errors


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
    check = RowChecks()
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    contracts = {c.number: c.customer_id for c in await db.scalars(select(Contract))}
    for row in check.each(rows):
        customer_id = _customer(check, row, customers)
        check.required(row, "number")
        check.choice(row, "kind", KINDS, _("Use advance, settlement, credit_note or reminder_fee."))
        check.date(row, "issue_date")
        check.date(row, "due_date")
        check.amount(row, "amount")
        contract_number = check.cell(row, "contract_number")
        if contract_number and contracts.get(contract_number) != customer_id:
            check.fail("contract_number", _("This contract does not belong to this customer."))
    return check.errors


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
        invoice.amount = parse_amount(row["amount"])
        invoice.contract_id = contracts.get((row.get("contract_number") or "").strip())
    await db.flush()
    return len(rows)


async def validate_payments(db: AsyncSession, tenant: Tenant, rows: Rows) -> list[RowError]:
    """Known customer, invoice of that customer, date and amount."""
    check = RowChecks()
    customers = {c.number: c.id for c in await db.scalars(select(Customer))}
    invoices = {i.number: i.customer_id for i in await db.scalars(select(Invoice))}
    for row in check.each(rows):
        customer_id = _customer(check, row, customers)
        invoice_number = check.cell(row, "invoice_number")
        if invoice_number and invoices.get(invoice_number) != customer_id:
            check.fail("invoice_number", _("This invoice does not belong to this customer."))
        check.date(row, "paid_on")
        check.amount(row, "amount")
    return check.errors


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
                amount=parse_amount(row["amount"]),
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
