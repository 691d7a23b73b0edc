"""Branded PDF documents (fpdf2): invoices and credit notes, account statements, the moving document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.api import format_date, format_money, format_number
from core.api import gettext as _
from plugins.luminus_energy.brand import GREY
from plugins.luminus_energy.formats import numeric_date, percent, unit_price, vat_number
from plugins.luminus_energy.invoice_document import InvoiceDocument, quantity_text
from plugins.luminus_energy.labels import energy_label, kind_label, register_label
from plugins.luminus_energy.models import InvoiceKind
from plugins.luminus_energy.rules import structured_communication
from plugins.luminus_energy.settings import LuminusSettings

if TYPE_CHECKING:
    from plugins.luminus_energy.pdf_page import BrandedPDF

# millimetres of the statement's columns: date, document (wraps), number, due date, debit, credit, balance
STATEMENT_COLUMNS = (22, 38, 25, 22, 27, 27, 29)


def _document(title: str, contact: LuminusSettings) -> BrandedPDF:
    """A new A4 document with the Luminus header band and the contact footer, on its first page."""
    from plugins.luminus_energy.pdf_page import BrandedPDF  # fpdf2 and fontTools load with the first PDF

    return BrandedPDF(title, contact)


def _parties(pdf: BrandedPDF, settings: LuminusSettings, doc: InvoiceDocument) -> None:
    """The supplier (who to pay, how to book) beside the customer."""
    supplier = settings.supplier
    customer = doc.customer
    columns = (
        (
            supplier.name,
            [
                supplier.street,
                f"{supplier.postcode} {supplier.city}",
                _("VAT: %(number)s", number=vat_number(supplier.vat_number)),
                _("Company number: %(number)s", number=supplier.company_number),
                _("IBAN: %(iban)s", iban=supplier.iban_display),
                _("BIC: %(bic)s", bic=supplier.bic) if supplier.bic else "",
            ],
        ),
        (
            customer.name,
            [
                *(customer.billing_address.split(", ", 1) if customer.billing_address else []),
                _("Customer number: %(number)s", number=customer.number),
                _("VAT: %(number)s", number=vat_number(customer.vat_number)) if customer.vat_number else "",
            ],
        ),
    )
    top = pdf.get_y()
    bottom = top
    for x, (name, lines) in zip((10, 110), columns, strict=True):
        pdf.set_xy(x, top)
        pdf.set_font(pdf.family, "B", 10)
        pdf.lines(90, 5, pdf.t(name), new_x="LEFT", new_y="NEXT")
        pdf.set_font(pdf.family, "", 9)
        for text in filter(None, lines):
            pdf.lines(90, 4.5, pdf.t(text), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 4)


def _payment(pdf: BrandedPDF, settings: LuminusSettings, doc: InvoiceDocument) -> None:
    """Where the payment stands: paid (and when), what remains, how to pay it."""
    payment, invoice, supplier = doc.payment, doc.invoice, settings.supplier
    total = format_money(invoice.amount, "EUR")
    due = format_date(payment.due, "long")
    rows: list[tuple[str, str]] = []
    note = ""
    if payment.state == "cancelled":
        note = _("This invoice was cancelled: there is nothing to pay.")
    elif payment.state == "credited":
        rows.append((_("Amount credited"), total))
        note = _("This amount is in your favour: it is deducted from your next invoices or refunded to you.")
    elif payment.state == "paid":
        rows.append((_("Total incl. VAT"), total))
        paid = _("Paid on %(date)s", date=format_date(payment.paid_on, "long")) if payment.paid_on else _("Paid")
        rows.append((_("Payment"), paid))
        note = _("Thank you: this invoice is paid, there is nothing left to pay.")
    else:
        rows.append((_("Total incl. VAT"), total))
        if payment.state == "partly_paid":
            rows.append((_("Already paid"), format_money(payment.paid, "EUR")))
            if payment.paid_on:
                rows.append((_("Last payment"), format_date(payment.paid_on, "long")))
        label = _("Remaining to pay") if payment.state == "partly_paid" else _("Amount to pay")
        rows.append((label, format_money(payment.remaining, "EUR")))
        rows.append((_("Overdue since") if payment.state == "overdue" else _("To pay before"), due))
        if payment.direct_debit:
            note = _(
                "This amount will be collected by direct debit (mandate %(reference)s): do not pay it by transfer.",
                reference=payment.direct_debit,
            )
        else:
            note = _(
                "Please transfer it to %(iban)s (BIC %(bic)s) with the structured communication %(communication)s.",
                iban=supplier.iban_display,
                bic=supplier.bic or "—",
                communication=structured_communication(invoice.number),
            )
    pdf.heading(_("Payment"), 12)
    pdf.facts(rows)
    if note:
        pdf.set_font(pdf.family, "", 10)
        pdf.lines(0, 5, pdf.t(note), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def invoice_pdf(settings: LuminusSettings, doc: InvoiceDocument) -> bytes:
    """An invoice or a credit note a business can pay and book."""
    invoice = doc.invoice
    title = f"{kind_label(invoice.kind)} {invoice.number}"
    pdf = _document(title, settings)
    pdf.heading(title)
    _parties(pdf, settings, doc)
    facts = [(_("Issue date"), format_date(invoice.issue_date, "long"))]
    if invoice.kind != InvoiceKind.CREDIT_NOTE:
        facts.append((_("Due date"), format_date(invoice.due_date, "long")))
        facts.append((_("Structured communication"), structured_communication(invoice.number)))
    if doc.ean:
        facts.append((_("EAN"), doc.ean))
        facts.append((_("Supply address"), doc.supply_address))
        facts.append((_("Meter"), doc.meter or "—"))
        facts.append(
            (_("Product"), f"{doc.product} · {energy_label(doc.energy)}" if doc.product else energy_label(doc.energy))
        )
    if doc.period:
        facts.append(
            (_("Billing period"), f"{format_date(doc.period[0], 'long')} – {format_date(doc.period[1], 'long')}")
        )
    if doc.related_number:
        facts.append((_("Related invoice"), doc.related_number))
    pdf.facts(facts)

    pdf.grid(
        [_("Description"), _("Quantity"), _("Unit price"), _("Excl. VAT"), _("VAT rate"), _("VAT"), _("Incl. VAT")],
        [
            [
                line.description,
                quantity_text(line),
                unit_price(line.unit_price) if line.unit_price is not None else "",
                format_money(line.net, "EUR"),
                percent(line.vat_rate),
                format_money(line.vat, "EUR"),
                format_money(line.total, "EUR"),
            ]
            for line in doc.lines
        ],
        (52, 24, 22, 24, 18, 22, 28),
        numeric=(1, 2, 3, 4, 5, 6),
    )
    summary = [
        [
            _("Total of the lines"),
            format_money(doc.net_total, "EUR"),
            format_money(doc.vat_total, "EUR"),
            format_money(doc.total, "EUR"),
        ]
    ]
    if doc.deduction is not None:
        d = doc.deduction
        summary.append(
            [
                _("Advances already invoiced (%(count)s)", count=d.count),
                format_money(-d.net, "EUR"),
                format_money(-d.vat, "EUR"),
                format_money(-d.total, "EUR"),
            ]
        )
        balance_label = _("Balance in your favour") if invoice.kind == InvoiceKind.CREDIT_NOTE else _("Balance to pay")
        summary.append(
            [
                balance_label,
                format_money(doc.net_total - d.net, "EUR"),
                format_money(doc.vat_total - d.vat, "EUR"),
                format_money(doc.total - d.total, "EUR"),
            ]
        )
    pdf.grid([_("Summary"), _("Excl. VAT"), _("VAT"), _("Incl. VAT")], summary, (100, 30, 30, 30), numeric=(1, 2, 3))

    if doc.indexes:
        pdf.heading(_("Meter indexes"), 12)
        pdf.grid(
            [_("Register"), _("Start date"), _("Start index"), _("End date"), _("End index"), _("Consumption")],
            [
                [
                    register_label(index.register),
                    numeric_date(index.start),
                    format_number(index.start_index),
                    numeric_date(index.end),
                    format_number(index.end_index),
                    f"{format_number(index.consumption)} {index.unit}",
                ]
                for index in doc.indexes
            ],
            (40, 26, 30, 26, 30, 38),
            numeric=(2, 4, 5),
        )
        pdf.facts([(_("Consumption of the period"), f"{format_number(doc.consumption)} {doc.indexes[0].unit}")])

    _payment(pdf, settings, doc)
    pdf.set_font(pdf.family, "", 9)
    pdf.set_text_color(*GREY)
    pdf.lines(
        0, 5, pdf.t(_("Think of the planet: only print your invoices when it is really necessary.")), new_x="LMARGIN"
    )
    return pdf.bytes()


def statement_pdf(
    contact: LuminusSettings,
    *,
    customer_name: str,
    customer_number: str,
    ean: str,
    supply_address: str,
    period: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    balance: str,
) -> bytes:
    """An account statement for one EAN."""
    title = _("Account statement")
    pdf = _document(f"{title} · {ean}", contact)
    pdf.heading(title)
    pdf.facts(
        [
            (_("Customer"), f"{customer_name} ({customer_number})"),
            (_("EAN"), ean),
            (_("Supply address"), supply_address),
            (_("Period"), period),
        ]
    )
    pdf.grid(headers, rows, STATEMENT_COLUMNS, numeric=(4, 5, 6))  # debit, credit, balance
    pdf.facts([(_("Balance of the period"), balance)])
    return pdf.bytes()


def moving_document_pdf(contact: LuminusSettings) -> bytes:
    """The « document de reprise des énergies » to be filled in and signed by both parties."""
    title = _("Energy takeover document")
    pdf = _document(title, contact)
    pdf.heading(title)
    pdf.set_font(pdf.family, "", 10)
    pdf.paragraph(
        _(
            "To be completed and signed by both parties (the party leaving and the party taking over the "
            "premises), "
            "then sent to %(email)s.",
            email=contact.business_email,
        ),
        mail=contact.business_email,
    )
    pdf.ln(4)
    for section in (_("Party leaving the premises"), _("Party taking over the premises")):
        pdf.heading(section)
        pdf.facts(
            [
                (_("Company name"), "_" * 50),
                (_("Customer number"), "_" * 50),
                (_("VAT number"), "_" * 50),
                (_("Contact person"), "_" * 50),
                (_("E-mail"), "_" * 50),
            ]
        )
    pdf.heading(_("Supply point"))
    pdf.facts(
        [
            (_("Supply address"), "_" * 50),
            (_("Takeover date"), "_" * 50),
            (_("EAN electricity"), "_" * 50),
            (_("Index electricity (day / night)"), "_" * 50),
            (_("EAN gas"), "_" * 50),
            (_("Index gas"), "_" * 50),
        ]
    )
    pdf.facts([(_("Signature of the party leaving"), "_" * 30), (_("Signature of the party taking over"), "_" * 30)])
    return pdf.bytes()
