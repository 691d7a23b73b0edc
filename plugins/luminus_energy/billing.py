"""« Factures et paiements »: invoices and payments tabs, balance, PDFs (3 years), older copies on request."""

from __future__ import annotations

from functools import partial

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import audit, flash, format_date, redirect_to, render, url_for
from core.api import gettext as _
from plugins.luminus_energy.customer_page import Ctx, customer_page, path_int
from plugins.luminus_energy.invoice_document import build_document
from plugins.luminus_energy.invoice_table import InvoiceColumns, InvoiceRow, rows_html
from plugins.luminus_energy.labels import kind_label, kind_labels, status_labels
from plugins.luminus_energy.links import row_link
from plugins.luminus_energy.models import Invoice
from plugins.luminus_energy.paging import Cursor, Page, PageRequest
from plugins.luminus_energy.pdf import invoice_pdf
from plugins.luminus_energy.records import InvoiceLine, PaymentLine
from plugins.luminus_energy.rules import InvoiceCopies
from plugins.luminus_energy.tickets import open_request, request_problem


@customer_page(permission="billing")
async def invoices(ctx: Ctx) -> Response:
    """Both tabs (``?tab=payments``), a page of 20 rows at a time (``older`` / ``newer``), the balance and the
    payment-method frame."""
    params = ctx.request.query_params
    tab = "payments" if params.get("tab") == "payments" else "invoices"
    request = PageRequest.from_query(params)
    rows: list[InvoiceRow] = []
    page: Page[InvoiceLine] | Page[PaymentLine]
    if tab == "invoices":
        page = invoice_page = await ctx.backend.invoice_page(ctx.db, ctx.customer, ctx.today, request)
        rows = _invoice_rows(ctx, invoice_page.items)
    else:
        page = await ctx.backend.payment_page(ctx.db, ctx.customer, request)
    balance = await ctx.backend.balance(ctx.db, ctx.customer, ctx.today)
    mandate = await ctx.backend.mandate(ctx.db, ctx.customer)
    columns = InvoiceColumns.translated()
    return await render(
        ctx.request,
        "luminus_energy/invoices.html",
        ctx.page(
            tab=tab,
            page=page,
            columns=columns,
            invoice_rows=partial(rows_html, rows, columns),
            has_rows=bool(rows),
            balance=balance,
            mandate=mandate,
            page_title=_("Invoices and payments"),
        ),
    )


def _invoice_rows(ctx: Ctx, lines: list[InvoiceLine]) -> list[InvoiceRow]:
    """The rows of a page of invoices, their names translated and their links built once for the page."""
    copies = _copies(ctx)
    kinds, statuses = kind_labels(), status_labels()
    download = row_link(ctx.request, "luminus_invoice_download", "invoice_id")
    copy_request = row_link(ctx.request, "luminus_invoice_copy_request", "invoice_id")
    rows = []
    for line in lines:
        invoice, status = line.invoice, line.status
        day, number = invoice.issue_date, invoice.id
        rows.append(
            InvoiceRow(
                invoice,
                status,
                kinds.get(invoice.kind, invoice.kind),
                statuses.get(status, status),
                download(number) if copies.downloadable(day) else "",
                copy_request(number) if copies.requestable(day) else "",
            )
        )
    return rows


def invoice_href(request: Request, invoice: Invoice) -> str:
    """The invoice list's page that holds ``invoice``, scrolled to its row."""
    cursor = Cursor.including(invoice.issue_date, invoice.id)
    return f"{url_for(request, 'luminus_invoices')}?tab=invoices&older={cursor.token}#invoice-{invoice.id}"


def _copies(ctx: Ctx) -> InvoiceCopies:
    """Which invoices can be downloaded or asked for today, under the tenant's settings."""
    return InvoiceCopies.on(ctx.today, ctx.settings.pdf_years, ctx.settings.archive_years)


async def _own_invoice(ctx: Ctx) -> InvoiceLine:
    line = await ctx.backend.invoice(ctx.db, ctx.customer, path_int(ctx.request, "invoice_id"), ctx.today)
    if line is None:  # another customer's invoice (or none): indistinguishable on purpose
        raise HTTPException(status_code=404)
    return line


@customer_page(permission="billing")
async def invoice_download(ctx: Ctx) -> Response:
    """The PDF of one of the customer's invoices or credit notes, up to 3 years back."""
    facts = await ctx.backend.invoice_facts(ctx.db, ctx.customer, path_int(ctx.request, "invoice_id"), ctx.today)
    if facts is None:  # another customer's invoice (or none): indistinguishable on purpose
        raise HTTPException(status_code=404)
    line, invoice = facts.line, facts.line.invoice
    copies = _copies(ctx)
    if not copies.downloadable(invoice.issue_date):
        return await render(
            ctx.request,
            "luminus_energy/invoice_archived.html",
            ctx.page(
                line=line,
                requestable=copies.requestable(invoice.issue_date),
                kind_label=kind_label,
            ),
            status_code=410,
        )
    content = invoice_pdf(ctx.settings, build_document(facts, ctx.customer))
    audit(
        ctx.db,
        "luminus.invoice_downloaded",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_invoice",
        subject_id=invoice.number,
    )
    await ctx.db.commit()
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="luminus-{invoice.number}.pdf"'},
    )


@customer_page(permission="billing")
async def invoice_copy_request(ctx: Ctx) -> Response:
    """Ask the customer service for a copy of an invoice older than 3 years (opens a ticket)."""
    line = await _own_invoice(ctx)
    invoice = line.invoice
    if not _copies(ctx).requestable(invoice.issue_date):
        flash(
            ctx.request,
            _("This invoice cannot be requested: it is either available online or older than 7 years."),
            "error",
        )
        return redirect_to(ctx.request, "luminus_invoices")
    problem = await request_problem(ctx, "invoice_archive", "invoice_number", invoice.number)
    if problem:
        flash(ctx.request, problem, "info")
        return redirect_to(ctx.request, "luminus_invoices")
    record = await open_request(
        ctx,
        "invoice_archive",
        _("Copy of invoice %(number)s", number=invoice.number),
        _(
            "Please send me a copy of %(kind)s %(number)s of %(date)s.",
            kind=kind_label(invoice.kind).lower(),
            number=invoice.number,
            date=format_date(invoice.issue_date, "long"),
        ),
        {"invoice_number": invoice.number},
    )
    await ctx.db.commit()
    flash(
        ctx.request,
        _(
            "Your request %(reference)s was sent to our customer service: you will receive the copy by e-mail.",
            reference=record.reference,
        ),
        "success",
    )
    return redirect_to(ctx.request, "luminus_invoices")
