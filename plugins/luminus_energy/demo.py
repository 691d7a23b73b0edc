"""Demo data (``portique demo``) and the builders tests use to set up a customer's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    DemoAccount,
    Role,
    Tenant,
    UserStatus,
    create_user,
    find_user_by_email,
    get_or_create_account,
    grant_membership,
)
from plugins.luminus_energy.ean import make_ean
from plugins.luminus_energy.invoice_document import consumption_lines, deduction_of, settlement_total
from plugins.luminus_energy.models import (
    Advance,
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
from plugins.luminus_energy.registration import PERMISSIONS
from plugins.luminus_energy.rules import FREQUENCY_MONTHS, months_between, structured_communication
from plugins.luminus_energy.settings import local_today

DEMO_PASSWORD = "Luminus-Demo-2026!"  # noqa: S105 - documented demo password

CENT = Decimal("0.01")


async def tariffs(db: AsyncSession) -> dict[str, Tariff]:
    """The demo tariffs (created once)."""
    wanted = {
        "ELEC-PRO-FIX": ("Comfy Pro électricité", Energy.ELECTRICITY, "0.28500", "12.50", "21"),
        "GAS-PRO-FIX": ("Comfy Pro gaz", Energy.GAS, "0.09500", "9.00", "21"),
    }
    found = {t.code: t for t in await db.scalars(select(Tariff))}
    for code, (name, energy, price, fixed, vat) in wanted.items():
        if code not in found:
            found[code] = Tariff(
                code=code,
                name=name,
                energy=energy,
                unit_price=Decimal(price),
                fixed_monthly=Decimal(fixed),
                vat_rate=Decimal(vat),
            )
            db.add(found[code])
    await db.flush()
    return found


async def next_invoice_number(db: AsyncSession, day: date) -> str:
    """A new unique invoice number (year + sequence)."""
    count = await db.scalar(select(func.count()).select_from(Invoice)) or 0
    return f"{day:%y}{count + 1:08d}"


async def add_invoice(
    db: AsyncSession,
    customer: Customer,
    *,
    kind: str,
    issued: date,
    amount: Decimal,
    contract: Contract | None = None,
    period: BillingPeriod | None = None,
    paid: bool = True,
    related: Invoice | None = None,
) -> Invoice:
    """Add an invoice (and its payment when ``paid``)."""
    invoice = Invoice(
        customer_id=customer.id,
        contract_id=contract.id if contract else None,
        billing_period_id=period.id if period else None,
        related_invoice_id=related.id if related else None,
        number=await next_invoice_number(db, issued),
        kind=kind,
        issue_date=issued,
        due_date=issued + timedelta(days=15),
        amount=amount.quantize(CENT),
    )
    db.add(invoice)
    await db.flush()
    if paid and kind != InvoiceKind.CREDIT_NOTE:
        db.add(
            Payment(
                customer_id=customer.id,
                invoice_id=invoice.id,
                paid_on=issued + timedelta(days=10),
                amount=invoice.amount,
                method="transfer",
                reference=structured_communication(invoice.number),
            )
        )
    return invoice


@dataclass
class Site:
    """What a supply point of a demo customer looks like."""

    ean17: str
    energy: str
    street: str
    postcode: str
    city: str
    registers: tuple[tuple[str, float], ...]
    tariff: str
    start: date
    frequency: str = Frequency.MONTHLY
    advance: Decimal = Decimal("250")
    annual: Decimal = Decimal("12000")
    end: date | None = None
    grid_operator: str = "Fluvius"


async def add_site(
    db: AsyncSession, customer: Customer, site: Site, today: date, *, unpaid_last: bool = False
) -> Contract:
    """A supply point, its registers and contract, closed periods with settlements and readings, the
    open period's advances (all paid unless ``unpaid_last``)."""
    all_tariffs = await tariffs(db)
    tariff = all_tariffs[site.tariff]
    unit = "kWh"
    point = SupplyPoint(
        customer_id=customer.id,
        ean=make_ean(site.ean17),
        energy=site.energy,
        street=site.street,
        postcode=site.postcode,
        city=site.city,
        meter_number=f"M{site.ean17[-8:]}",
        grid_operator=site.grid_operator,
    )
    db.add(point)
    await db.flush()
    registers = [Register(supply_point_id=point.id, code=code, unit=unit) for code, _share in site.registers]
    db.add_all(registers)
    contract = Contract(
        customer_id=customer.id,
        supply_point_id=point.id,
        tariff_id=tariff.id,
        number=f"C{site.ean17[-9:]}",
        product=tariff.name,
        start_date=site.start,
        end_date=site.end,
        billing_frequency=site.frequency,
        advance_amount=site.advance,
        estimated_annual_consumption=site.annual,
    )
    db.add(contract)
    await db.flush()
    step = FREQUENCY_MONTHS[Frequency(site.frequency)]
    indexes = [10_000 + 1_000 * i for i in range(len(registers))]
    for register, index in zip(registers, indexes, strict=True):
        db.add(
            MeterReading(
                register_id=register.id, reading_date=site.start, value=index, source=ReadingSource.GRID_OPERATOR
            )
        )
    start = site.start
    last_invoice: Invoice | None = None
    while start <= today:
        end = start + relativedelta(years=1) - timedelta(days=1)
        closed = end < today
        period = BillingPeriod(contract_id=contract.id, start_date=start, end_date=end, closed=closed)
        db.add(period)
        await db.flush()
        due = start
        advances: list[Advance] = []
        while due <= min(end, today):
            last_invoice = await add_invoice(
                db,
                customer,
                kind=InvoiceKind.ADVANCE,
                issued=due,
                amount=site.advance,
                contract=contract,
                period=period,
            )
            advance = Advance(
                contract_id=contract.id,
                billing_period_id=period.id,
                invoice_id=last_invoice.id,
                due_date=due,
                amount=site.advance,
            )
            db.add(advance)
            advances.append(advance)
            due += relativedelta(months=step)
        # meter readings: an estimate half-way, the grid operator's reading at the period end
        consumptions = []
        for i, (register, (code, share)) in enumerate(zip(registers, site.registers, strict=True)):
            yearly = int(site.annual * Decimal(str(share)))
            consumptions.append((code, yearly))
            half = start + relativedelta(months=6)
            if half <= today:
                db.add(
                    MeterReading(
                        register_id=register.id,
                        reading_date=half,
                        value=indexes[i] + yearly // 2,
                        source=ReadingSource.ESTIMATED,
                    )
                )
            if closed:
                indexes[i] += yearly
                db.add(
                    MeterReading(
                        register_id=register.id,
                        reading_date=end,
                        value=indexes[i],
                        source=ReadingSource.GRID_OPERATOR,
                    )
                )
        if closed:  # the settlement: the period's consumption at the tariff, less the advances
            lines = consumption_lines(tariff, consumptions, months_between(start, end))
            difference = settlement_total(lines, deduction_of(advances, tariff.vat_rate))
            kind = InvoiceKind.SETTLEMENT if difference >= 0 else InvoiceKind.CREDIT_NOTE
            await add_invoice(
                db,
                customer,
                kind=kind,
                issued=end + timedelta(days=20),
                amount=abs(difference),
                contract=contract,
                period=period,
            )
        start = end + timedelta(days=1)
    if unpaid_last and last_invoice is not None:
        for payment in await db.scalars(select(Payment).where(Payment.invoice_id == last_invoice.id)):
            await db.delete(payment)
    await db.flush()
    return contract


async def add_customer(
    db: AsyncSession, number: str, name: str, *, language: str = "fr_BE", email: str = "", vat: str = ""
) -> Customer:
    """A customer with its portal account."""
    customer = Customer(
        number=number,
        name=name,
        language=language,
        email=email,
        vat_number=vat,
        billing_address="",
    )
    db.add(customer)
    await db.flush()
    return customer


async def demo_user(db: AsyncSession, customer: Customer, email: str, first: str, last: str, locale: str) -> None:
    """An active holder of the customer's account, with the demo password."""
    account = await get_or_create_account(db, customer.number, name=customer.name)
    user = await find_user_by_email(db, email)
    if user is None:
        user = await create_user(
            db,
            email=email,
            password=DEMO_PASSWORD,
            status=UserStatus.ACTIVE,
            first_name=first,
            last_name=last,
            company=customer.name,
            locale=locale,
        )
    await grant_membership(db, user, account, Role.HOLDER, PERMISSIONS)


async def create_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    """Three SME customers with contrasting situations (idempotent)."""
    accounts = [
        DemoAccount("pme@boulangerie-dupont.be", DEMO_PASSWORD, "FR: all paid, advance can be changed, old invoices"),
        DemoAccount("info@bakkerij-peeters.be", DEMO_PASSWORD, "NL: overdue invoice + reminder fee (advance refused)"),
        DemoAccount("contact@garage-lambert.be", DEMO_PASSWORD, "FR: contract of 6 weeks (advance refused: too short)"),
    ]
    if await db.scalar(select(func.count()).select_from(Customer)):
        return accounts
    today = local_today(tenant)
    dupont = await add_customer(
        db, "2000123456", "Boulangerie Dupont SRL", email="pme@boulangerie-dupont.be", vat="BE0456123791"
    )
    dupont.billing_address = "Rue de la Station 12, 5000 Namur"
    await add_site(
        db,
        dupont,
        Site(
            "54144888000012345",
            Energy.ELECTRICITY,
            "Rue de la Station 12",
            "5000",
            "Namur",
            (("day", 0.6), ("night", 0.4)),
            "ELEC-PRO-FIX",
            date(today.year - 5, 3, 1),
            advance=Decimal("310"),
            annual=Decimal("11800"),
            grid_operator="ORES",
        ),
        today,
    )
    await add_site(
        db,
        dupont,
        Site(
            "54144888000023456",
            Energy.GAS,
            "Rue de la Station 12",
            "5000",
            "Namur",
            (("gas", 1.0),),
            "GAS-PRO-FIX",
            date(today.year - 3, 6, 1),
            frequency=Frequency.QUARTERLY,
            advance=Decimal("540"),
            annual=Decimal("21000"),
            grid_operator="ORES",
        ),
        today,
    )
    await demo_user(db, dupont, "pme@boulangerie-dupont.be", "Claire", "Dupont", "fr_BE")

    peeters = await add_customer(
        db, "2000234567", "Bakkerij Peeters BV", language="nl_BE", email="info@bakkerij-peeters.be", vat="BE0789456175"
    )
    peeters.billing_address = "Stationsstraat 8, 2800 Mechelen"
    contract = await add_site(
        db,
        peeters,
        Site(
            "54144777000034567",
            Energy.ELECTRICITY,
            "Stationsstraat 8",
            "2800",
            "Mechelen",
            (("single", 1.0),),
            "ELEC-PRO-FIX",
            date(today.year - 2, 1, 1),
            advance=Decimal("185"),
            annual=Decimal("7200"),
        ),
        today - relativedelta(months=1),
        unpaid_last=True,
    )
    overdue = await db.scalar(
        select(Invoice)
        .where(Invoice.contract_id == contract.id, Invoice.kind == InvoiceKind.ADVANCE)
        .order_by(Invoice.issue_date.desc())
        .limit(1)
    )
    if overdue is not None:
        await add_invoice(
            db,
            peeters,
            kind=InvoiceKind.REMINDER_FEE,
            issued=overdue.due_date + timedelta(days=10),
            amount=Decimal("15"),
            related=overdue,
            paid=False,
        )
    await demo_user(db, peeters, "info@bakkerij-peeters.be", "Jan", "Peeters", "nl_BE")

    lambert = await add_customer(db, "2000345678", "Garage Lambert", email="contact@garage-lambert.be")
    await add_site(
        db,
        lambert,
        Site(
            "54144666000045678",
            Energy.ELECTRICITY,
            "Chaussée de Louvain 220",
            "1300",
            "Wavre",
            (("single", 1.0),),
            "ELEC-PRO-FIX",
            today - timedelta(weeks=6),
            advance=Decimal("120"),
            annual=Decimal("5000"),
        ),
        today,
    )
    await demo_user(db, lambert, "contact@garage-lambert.be", "Marc", "Lambert", "fr_BE")
    await db.flush()
    return accounts
