"""« Extrait de compte par compteur »: pick an EAN and a period, export to Excel (typed cells) or PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import Integer, bindparam, select
from starlette.exceptions import HTTPException
from starlette.responses import Response

from core.api import audit, format_date, format_money, render
from core.api import gettext as _
from plugins.luminus_energy.customer_page import Ctx, customer_page
from plugins.luminus_energy.formats import numeric_date
from plugins.luminus_energy.labels import kind_label
from plugins.luminus_energy.models import Contract, Invoice, InvoiceKind, Payment, SupplyPoint
from plugins.luminus_energy.pdf import statement_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SPAN_YEARS = 7


@dataclass(frozen=True)
class Entry:
    """A line of the statement: an invoice (debit), a credit note or a payment (credit)."""

    day: date
    label: str
    reference: str
    due: date | None
    debit: Decimal
    credit: Decimal


# The invoices of the supply point's contracts of the customer (the contracts are a subquery), and the payments
# of the customer on some of them; built once, with their values bound.
STATEMENT_INVOICES = select(Invoice).where(
    Invoice.contract_id.in_(
        select(Contract.id).where(
            Contract.supply_point_id == bindparam("point_id", type_=Integer),
            Contract.customer_id == bindparam("customer_id", type_=Integer),
        )
    )
)
STATEMENT_PAYMENTS = select(Payment).where(
    Payment.invoice_id.in_(bindparam("invoice_ids", expanding=True)),
    Payment.customer_id == bindparam("customer_id", type_=Integer),
)


async def statement_entries(ctx: Ctx, point: SupplyPoint, start: date, end: date) -> list[Entry]:
    """Invoices of the supply point's contracts and their payments between ``start`` and ``end``."""
    invoices = list(await ctx.db.scalars(STATEMENT_INVOICES, {"point_id": point.id, "customer_id": ctx.customer.id}))
    by_id = {i.id: i for i in invoices}
    entries = [
        Entry(
            i.issue_date,
            kind_label(i.kind),
            i.number,
            i.due_date,
            Decimal("0") if i.kind == InvoiceKind.CREDIT_NOTE else i.amount,
            i.amount if i.kind == InvoiceKind.CREDIT_NOTE else Decimal("0"),
        )
        for i in invoices
        if start <= i.issue_date <= end and not i.cancelled
    ]
    if by_id:
        payments = await ctx.db.scalars(
            STATEMENT_PAYMENTS, {"invoice_ids": list(by_id), "customer_id": ctx.customer.id}
        )
        for p in payments:
            if start <= p.paid_on <= end:
                entries.append(
                    Entry(
                        p.paid_on,
                        _("Payment"),
                        by_id[p.invoice_id].number if p.invoice_id else p.reference,
                        None,
                        Decimal("0"),
                        p.amount,
                    )
                )
    return sorted(entries, key=lambda e: (e.day, e.debit == 0, e.reference))


def headers() -> list[str]:
    """Translated column headers (shared by Excel and PDF)."""
    return [_("Date"), _("Document"), _("Number"), _("Due date"), _("Debit"), _("Credit"), _("Balance")]


def workbook(ctx: Ctx, point: SupplyPoint, start: date, end: date, entries: list[Entry]) -> bytes:
    """An .xlsx file with real dates and numbers."""
    from openpyxl import Workbook  # loaded by the first export, not with the plugin
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statement")[:31]
    sheet.append([_("Account statement")])
    sheet["A1"].font = Font(bold=True, size=14, color="14264B")
    sheet.append([_("Customer"), ctx.customer.name, _("Customer number"), ctx.customer.number])
    sheet.append([_("EAN"), point.ean, _("Supply address"), point.address])
    sheet.append([_("From"), start, _("To"), end])
    for cell in (sheet["B4"], sheet["D4"]):
        cell.number_format = "DD/MM/YYYY"
    sheet.append([])
    sheet.append(headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="14264B")
    balance = Decimal("0")
    for entry in entries:
        balance += entry.debit - entry.credit
        sheet.append(
            [
                entry.day,
                entry.label,
                entry.reference,
                entry.due,
                float(entry.debit),
                float(entry.credit),
                float(balance),
            ]
        )
        last = sheet.max_row
        sheet.cell(last, 1).number_format = "DD/MM/YYYY"
        sheet.cell(last, 4).number_format = "DD/MM/YYYY"
        for column in (5, 6, 7):
            sheet.cell(last, column).number_format = '#,##0.00 "€"'
    for letter, width in zip("ABCDEFG", (12, 24, 14, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _parse(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "")[:10])
    except ValueError:
        return None


@customer_page(permission="billing")
async def statement(ctx: Ctx) -> Response:
    """The form (GET without ``format``) or the export (with ``format=xlsx|pdf``)."""
    params = ctx.request.query_params
    points = await ctx.backend.supply_points(ctx.db, ctx.customer)
    errors: dict[str, str] = {}
    start_raw = params.get("start", (ctx.today - relativedelta(years=1)).isoformat())
    end_raw = params.get("end", ctx.today.isoformat())
    chosen = params.get("point", str(points[0].id) if points else "")
    fmt = params.get("format", "")
    if not fmt:
        return await _form(ctx, points, chosen, start_raw, end_raw, "xlsx", errors)
    point = next((p for p in points if str(p.id) == chosen), None)
    if point is None:
        raise HTTPException(status_code=404)
    start, end = _parse(start_raw), _parse(end_raw)
    if start is None:
        errors["start"] = _("Enter a valid start date.")
    if end is None:
        errors["end"] = _("Enter a valid end date.")
    if start and end:
        if end < start:
            errors["end"] = _("The end date must come after the start date.")
        elif start < ctx.today - relativedelta(years=MAX_SPAN_YEARS):
            errors["start"] = _("Statements go back at most 7 years.")
    if fmt not in ("xlsx", "pdf"):
        errors["format"] = _("Choose Excel or PDF.")
    if errors or start is None or end is None:
        return await _form(ctx, points, chosen, start_raw, end_raw, fmt, errors, status=422)
    entries = await statement_entries(ctx, point, start, end)
    audit(
        ctx.db,
        "luminus.statement_exported",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_supply_point",
        subject_id=point.ean,
        format=fmt,
    )
    await ctx.db.commit()
    name = f"luminus-{point.ean}-{start.isoformat()}-{end.isoformat()}"
    if fmt == "xlsx":
        content = workbook(ctx, point, start, end, entries)
        return Response(
            content, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'}
        )
    balance = Decimal("0")
    rows = []
    for entry in entries:
        balance += entry.debit - entry.credit
        rows.append(
            [
                numeric_date(entry.day),
                entry.label,
                entry.reference,
                numeric_date(entry.due) if entry.due else "",
                format_money(entry.debit, "EUR") if entry.debit else "",
                format_money(entry.credit, "EUR") if entry.credit else "",
                format_money(balance, "EUR"),
            ]
        )
    content = statement_pdf(
        ctx.settings,
        customer_name=ctx.customer.name,
        customer_number=ctx.customer.number,
        ean=point.ean,
        supply_address=point.address,
        period=f"{format_date(start, 'long')} – {format_date(end, 'long')}",
        headers=headers(),
        rows=rows,
        balance=format_money(balance, "EUR"),
    )
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'}
    )


async def _form(
    ctx: Ctx,
    points: list[SupplyPoint],
    chosen: str,
    start: str,
    end: str,
    fmt: str,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return await render(
        ctx.request,
        "luminus_energy/statement.html",
        ctx.page(
            points=points,
            chosen=chosen,
            start=start[:10],
            end=end[:10],
            fmt=fmt,
            errors=errors,
            page_title=_("Account statement"),
        ),
        status_code=status,
    )
