"""« Factures et paiements »: invoices and payments tabs, balance, PDFs (3 years), older copies on request."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from core.api import audit, flash, format_date, prefixed, render
from core.api import gettext as _
from plugins.luminus_energy.backend import InvoiceLine
from plugins.luminus_energy.models import BillingPeriod, Contract, SupplyPoint
from plugins.luminus_energy.pdf import invoice_pdf, kind_label, kind_labels
from plugins.luminus_energy.rules import InvoiceCopies
from plugins.luminus_energy.support import open_request, request_problem
from plugins.luminus_energy.web import Ctx, customer_page, path_int


def status_labels() -> dict[str, str]:
    """Translated payment statuses."""
    return {
        "paid": _("Paid"),
        "open": _("To be paid"),
        "overdue": _("Overdue"),
        "credited": _("Credit note"),
        "cancelled": _("Cancelled"),
    }


def status_label(status: str) -> str:
    """Translated payment status."""
    return status_labels().get(status, status)


@customer_page(permission="billing")
async def invoices(ctx: Ctx) -> Response:
    """Both tabs (``?tab=payments``), the balance and the payment-method frame."""
    tab = "payments" if ctx.request.query_params.get("tab") == "payments" else "invoices"
    lines = await ctx.backend.invoices(ctx.db, ctx.customer, ctx.today)
    numbers = {line.invoice.id: line.invoice.number for line in lines}
    payments = await ctx.backend.payments(ctx.db, ctx.customer) if tab == "payments" else []
    balance = await ctx.backend.balance(ctx.db, ctx.customer, ctx.today)
    mandate = await ctx.backend.mandate(ctx.db, ctx.customer)
    copies = _copies(ctx)
    rows = [
        (line, copies.downloadable(line.invoice.issue_date), copies.requestable(line.invoice.issue_date))
        for line in lines
    ]
    return await render(
        ctx.request,
        "luminus_energy/invoices.html",
        ctx.page(
            tab=tab,
            rows=rows,
            payments=payments,
            numbers=numbers,
            balance=balance,
            mandate=mandate,
            kind_labels=kind_labels(),
            status_labels=status_labels(),
            page_title=_("Invoices and payments"),
        ),
    )


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
    line = await _own_invoice(ctx)
    invoice = line.invoice
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
    ean = address = period = ""
    if invoice.contract_id:
        contract = await ctx.db.get(Contract, invoice.contract_id)
        supply = await ctx.db.get(SupplyPoint, contract.supply_point_id) if contract else None
        if supply is not None:
            ean, address = supply.ean, supply.address
    if invoice.billing_period_id:
        bp = await ctx.db.get(BillingPeriod, invoice.billing_period_id)
        if bp is not None:
            period = f"{format_date(bp.start_date)} – {format_date(bp.end_date)}"
    content = invoice_pdf(
        ctx.settings,
        customer_name=ctx.customer.name,
        customer_number=ctx.customer.number,
        billing_address=ctx.customer.billing_address,
        vat_number=ctx.customer.vat_number,
        number=invoice.number,
        kind=invoice.kind,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount=invoice.amount,
        status=status_label(line.status),
        ean=ean,
        supply_address=address,
        period=period,
    )
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
        return RedirectResponse(prefixed(ctx.request, "/luminus/invoices"), status_code=303)
    problem = await request_problem(ctx, "invoice_archive", "invoice_number", invoice.number)
    if problem:
        flash(ctx.request, problem, "info")
        return RedirectResponse(prefixed(ctx.request, "/luminus/invoices"), status_code=303)
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
    return RedirectResponse(prefixed(ctx.request, "/luminus/invoices"), status_code=303)
