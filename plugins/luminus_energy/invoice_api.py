"""The customer's invoices in the apps' API: the list, and one invoice (``/api/v1/luminus/invoices``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from core.api import ApiCall, ApiError, plugin_settings, service
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.models import Customer
from plugins.luminus_energy.records import InvoiceLine
from plugins.luminus_energy.rules import InvoiceCopies
from plugins.luminus_energy.settings import LuminusSettings, local_today


class InvoiceItem(BaseModel):
    """An invoice or credit note, with what was paid on it and its status today."""

    id: int
    number: str
    kind: str
    issue_date: date
    due_date: date
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    status: str
    pdf_available: bool


class InvoiceList(BaseModel):
    """The customer's invoices, newest first."""

    items: list[InvoiceItem]


async def _customer(call: ApiCall) -> tuple[LuminusBackend, Customer]:
    """The backend and the customer of the user's membership; 403 without one, or without billing rights."""
    membership = await call.membership()
    backend = service(call.tenant, LuminusBackend)
    customer = await backend.customer(call.db, membership.account.number) if membership else None
    if membership is None or customer is None:
        raise ApiError(403, "no_customer", "This user is not linked to a customer.")
    if not membership.grants("billing"):
        raise ApiError(403, "forbidden", "This user may not see the invoices.")
    return backend, customer


def _item(call: ApiCall, line: InvoiceLine, today: date) -> InvoiceItem:
    settings = plugin_settings(call.tenant, LuminusSettings)
    copies = InvoiceCopies.on(today, settings.pdf_years, settings.archive_years)
    invoice = line.invoice
    return InvoiceItem(
        id=invoice.id,
        number=invoice.number,
        kind=invoice.kind,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount=invoice.amount,
        paid=line.paid,
        outstanding=line.outstanding,
        status=line.status,
        pdf_available=copies.downloadable(invoice.issue_date),
    )


async def invoice_list(call: ApiCall) -> InvoiceList:
    """``GET /luminus/invoices``."""
    backend, customer = await _customer(call)
    today = local_today(call.tenant)
    lines = await backend.invoices(call.db, customer, today)
    return InvoiceList(items=[_item(call, line, today) for line in lines])


async def invoice_detail(call: ApiCall) -> InvoiceItem:
    """``GET /luminus/invoices/{invoice_id}``: one of the customer's invoices (another's is not found)."""
    backend, customer = await _customer(call)
    today = local_today(call.tenant)
    line = await backend.invoice(call.db, customer, call.path_int("invoice_id"), today)
    if line is None:
        raise ApiError(404, "not_found")
    return _item(call, line, today)
