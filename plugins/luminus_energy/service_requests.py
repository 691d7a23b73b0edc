"""Moving (not online: the energy takeover document) and reminder-fee cancellation requests."""

from __future__ import annotations

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.api import flash, format_date, plugin_settings, render, url_for
from core.api import gettext as _
from plugins.luminus_energy.billing import invoice_href
from plugins.luminus_energy.customer_page import Ctx, customer_page, path_int
from plugins.luminus_energy.models import InvoiceKind, ServiceRequest
from plugins.luminus_energy.pdf import moving_document_pdf
from plugins.luminus_energy.records import InvoiceLine
from plugins.luminus_energy.settings import LuminusSettings
from plugins.luminus_energy.tickets import open_request, request_problem


async def moving(request: Request) -> Response:
    """Moving cannot be registered online nor by phone: explain the takeover document signed by both parties."""
    return await render(
        request,
        "luminus_energy/moving.html",
        {"contact": plugin_settings(request.state.tenant, LuminusSettings), "page_title": _("Moving")},
    )


async def moving_document(request: Request) -> Response:
    """The « document de reprise des énergies » as a PDF, in the visitor's language."""
    content = moving_document_pdf(plugin_settings(request.state.tenant, LuminusSettings))
    filename = _("energy-takeover-document")
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )


async def _requested(ctx: Ctx) -> dict[str, str]:
    rows = await ctx.db.scalars(
        select(ServiceRequest).where(
            ServiceRequest.customer_id == ctx.customer.id, ServiceRequest.category == "reminder_fee"
        )
    )
    return {r.details.get("reminder_invoice", ""): r.reference for r in rows}


@customer_page(permission="billing")
async def reminder_fees(ctx: Ctx) -> Response:
    """The customer's reminder fees with the invoice each one relates to."""
    return await _fees_page(ctx)


async def _fees_page(ctx: Ctx, refused: InvoiceLine | None = None, status: int = 200) -> Response:
    lines = await ctx.backend.invoices(ctx.db, ctx.customer, ctx.today)
    by_id = {line.invoice.id: line for line in lines}
    fees = [
        (line, by_id.get(line.invoice.related_invoice_id or 0))
        for line in lines
        if line.invoice.kind == InvoiceKind.REMINDER_FEE and not line.invoice.cancelled
    ]
    return await render(
        ctx.request,
        "luminus_energy/reminder_fees.html",
        ctx.page(
            fees=fees,
            requested=await _requested(ctx),
            refused=refused,
            invoice_href=lambda invoice: invoice_href(ctx.request, invoice),
            page_title=_("Reminder fees"),
        ),
        status_code=status,
    )


@customer_page(permission="billing")
async def cancel_reminder_fee(ctx: Ctx) -> Response:
    """Ask to cancel a reminder fee: accepted only once the related invoice is paid; becomes a ticket."""
    line = await ctx.backend.invoice(ctx.db, ctx.customer, path_int(ctx.request, "invoice_id"), ctx.today)
    if line is None or line.invoice.kind != InvoiceKind.REMINDER_FEE:
        raise HTTPException(status_code=404)
    target = url_for(ctx.request, "luminus_reminder_fees")
    related = (
        await ctx.backend.invoice(ctx.db, ctx.customer, line.invoice.related_invoice_id, ctx.today)
        if line.invoice.related_invoice_id
        else None
    )
    if related is not None and related.status != "paid":
        return await _fees_page(ctx, refused=related, status=409)
    already = await _requested(ctx)
    if line.invoice.number in already:
        flash(
            ctx.request,
            _(
                "You already asked to cancel this reminder fee (request %(reference)s).",
                reference=already[line.invoice.number],
            ),
            "info",
        )
        return RedirectResponse(target, status_code=303)
    problem = await request_problem(ctx, "reminder_fee", "reminder_invoice", line.invoice.number)
    if problem:
        flash(ctx.request, problem, "info")
        return RedirectResponse(target, status_code=303)

    record = await open_request(
        ctx,
        "reminder_fee",
        _("Cancellation of reminder fee %(number)s", number=line.invoice.number),
        _(
            "Invoice %(related)s has been paid. Please cancel the reminder fee %(number)s of %(date)s.",
            related=related.invoice.number if related else "—",
            number=line.invoice.number,
            date=format_date(line.invoice.issue_date, "long"),
        ),
        {"reminder_invoice": line.invoice.number, "related_invoice": related.invoice.number if related else ""},
    )
    await ctx.db.commit()
    flash(
        ctx.request,
        _("Your request %(reference)s was sent to our customer service.", reference=record.reference),
        "success",
    )
    return RedirectResponse(target, status_code=303)
