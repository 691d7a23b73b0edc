"""The customer's Luminus data for their export (customers, supply points, contracts, invoices with their
PDFs, payments, readings and direct-debit mandate, of the accounts they may see on their pages) and the
rules of their account's deletion: invoices and payments kept for the legal retention period (Belgium:
7 years, the ``archive_years`` setting), the rest that names the person anonymised."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import (
    Account,
    DeletionRule,
    ExportFile,
    ExportPart,
    Membership,
    Tenant,
    User,
    gettext,
    plugin_settings,
    service,
)
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.invoice_document import build_document
from plugins.luminus_energy.models import (
    AdvanceChange,
    Contract,
    Customer,
    DirectDebitMandate,
    MeterReading,
    Payment,
    Register,
    ServiceRequest,
    SupplyPoint,
)
from plugins.luminus_energy.pdf import invoice_pdf
from plugins.luminus_energy.rules import InvoiceCopies
from plugins.luminus_energy.settings import LuminusSettings, local_today


async def _customers(db: AsyncSession, backend: LuminusBackend, user: User) -> list[Customer]:
    """The customers of the user's memberships that grant the invoices (as the pages do)."""
    memberships = await db.execute(
        select(Membership, Account)
        .join(Account, Account.id == Membership.account_id)
        .where(Membership.user_id == user.id)
    )
    found = []
    for membership, account in memberships:
        customer = await backend.customer(db, account.number) if membership.grants("billing") else None
        if customer is not None:
            found.append(customer)
    return found


def _customer_data(customer: Customer) -> dict[str, Any]:
    return {
        "number": customer.number,
        "name": customer.name,
        "vat_number": customer.vat_number,
        "email": customer.email,
        "language": customer.language,
        "billing_address": customer.billing_address,
        "e_invoice": customer.e_invoice,
        "e_invoice_email": customer.e_invoice_email,
    }


def _point_data(point: SupplyPoint) -> dict[str, Any]:
    return {
        "ean": point.ean,
        "energy": point.energy,
        "address": point.address,
        "meter_number": point.meter_number,
        "grid_operator": point.grid_operator,
    }


async def _readings(db: AsyncSession, points: list[SupplyPoint]) -> list[dict[str, Any]]:
    rows = await db.execute(
        select(MeterReading, Register, SupplyPoint)
        .join(Register, Register.id == MeterReading.register_id)
        .join(SupplyPoint, SupplyPoint.id == Register.supply_point_id)
        .where(SupplyPoint.id.in_([point.id for point in points]))
        .order_by(SupplyPoint.ean, Register.code, MeterReading.reading_date)
    )
    return [
        {"ean": p.ean, "register": r.code, "date": m.reading_date, "value": m.value, "unit": r.unit, "source": m.source}
        for m, r, p in rows
    ]


async def _customer_part(
    db: AsyncSession, backend: LuminusBackend, settings: LuminusSettings, customer: Customer, today: date
) -> tuple[dict[str, Any], list[ExportFile]]:
    points = await backend.supply_points(db, customer)
    contracts = await db.scalars(select(Contract).where(Contract.customer_id == customer.id).order_by(Contract.number))
    invoices = await backend.invoices(db, customer, today)
    payments = await db.scalars(select(Payment).where(Payment.customer_id == customer.id).order_by(Payment.paid_on))
    mandate = await backend.mandate(db, customer)
    copies = InvoiceCopies.on(today, settings.pdf_years, settings.archive_years)
    files = []
    for line in invoices:
        if not copies.downloadable(line.invoice.issue_date):
            continue
        facts = await backend.invoice_facts(db, customer, line.invoice.id, today)
        if facts is not None:
            pdf = invoice_pdf(settings, build_document(facts, customer))
            files.append(ExportFile(f"luminus-{line.invoice.number}.pdf", "application/pdf", pdf))
    data = {
        **_customer_data(customer),
        "supply_points": [_point_data(point) for point in points],
        "contracts": [
            {
                "number": c.number,
                "product": c.product,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "billing_frequency": c.billing_frequency,
            }
            for c in contracts
        ],
        "invoices": [
            {
                "number": line.invoice.number,
                "kind": line.invoice.kind,
                "issue_date": line.invoice.issue_date,
                "due_date": line.invoice.due_date,
                "amount": line.invoice.amount,
                "paid": line.paid,
                "status": line.status,
                "cancelled": line.invoice.cancelled,
            }
            for line in invoices
        ],
        "payments": [
            {"paid_on": p.paid_on, "amount": p.amount, "method": p.method, "reference": p.reference} for p in payments
        ],
        "readings": await _readings(db, points),
        "direct_debit_mandate": None
        if mandate is None
        else {"reference": mandate.reference, "iban": mandate.iban, "holder": mandate.holder, "scope": mandate.scope},
    }
    return data, files


async def export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    """One part, ``customers``: each customer the user may see, with the PDFs of its recent invoices."""
    backend = service(tenant, LuminusBackend)
    settings = plugin_settings(tenant, LuminusSettings)
    today = local_today(tenant)
    customers, files = [], []
    for customer in await _customers(db, backend, user):
        data, pdfs = await _customer_part(db, backend, settings, customer, today)
        customers.append(data)
        files += pdfs
    return [ExportPart("customers", customers, tuple(files))] if customers else []


async def _sole_customers(db: AsyncSession, backend: LuminusBackend, user: User) -> list[Customer]:
    """The customers of the user's accounts on which no other portal user remains."""
    accounts = list(
        await db.scalars(
            select(Account).join(Membership, Membership.account_id == Account.id).where(Membership.user_id == user.id)
        )
    )
    found = []
    for account in accounts:
        others = await db.scalar(
            select(func.count(Membership.id)).where(Membership.account_id == account.id, Membership.user_id != user.id)
        )
        customer = None if others else await backend.customer(db, account.number)
        if customer is not None:
            found.append(customer)
    return found


async def _erase(db: AsyncSession, backend: LuminusBackend, user: User) -> dict[str, int]:
    """Anonymise what names the person; invoices and payments (and what they are addressed to) stay."""
    customers = await _sole_customers(db, backend, user)
    ids = [customer.id for customer in customers]
    for customer in customers:
        customer.email = customer.e_invoice_email = ""
        customer.e_invoice = False
    mandates = await db.execute(
        update(DirectDebitMandate)
        .where(DirectDebitMandate.customer_id.in_(ids))
        .values(iban="", holder="", active=False, signed_by_user_id=None)
    )
    await db.execute(
        update(DirectDebitMandate).where(DirectDebitMandate.signed_by_user_id == user.id).values(signed_by_user_id=None)
    )
    readings = await db.execute(
        update(MeterReading).where(MeterReading.entered_by_user_id == user.id).values(entered_by_user_id=None)
    )
    await db.execute(update(AdvanceChange).where(AdvanceChange.user_id == user.id).values(user_id=None))
    requests = await db.execute(
        update(ServiceRequest).where(ServiceRequest.user_id == user.id).values(user_id=None, details={})
    )
    return {
        "customers_anonymised": len(customers),
        "mandates_anonymised": int(getattr(mandates, "rowcount", 0) or 0),
        "readings_unlinked": int(getattr(readings, "rowcount", 0) or 0),
        "service_requests_anonymised": int(getattr(requests, "rowcount", 0) or 0),
    }


def deletion_rule(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    """Never refused: invoices and payments stay for the retention period, the rest is anonymised."""
    backend = service(tenant, LuminusBackend)
    years = plugin_settings(tenant, LuminusSettings).archive_years

    async def erase() -> dict[str, int]:
        return await _erase(db, backend, user)

    return DeletionRule(
        keeps=(
            gettext(
                "Your invoices and payments are kept for %(years)s years, as the law requires, "
                "with the name and address they are made out to.",
                years=years,
            ),
        ),
        removes=(
            gettext(
                "Your e-mail addresses, your direct-debit mandate, the meter readings you entered and "
                "the details of your requests are anonymised."
            ),
        ),
        erase=erase,
    )
