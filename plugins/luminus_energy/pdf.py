"""Branded PDF documents (fpdf2): invoices and credit notes, account statements, the moving document."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.api import format_date, format_money, format_number
from core.api import gettext as _
from plugins.luminus_energy.formats import numeric_date, percent, unit_price, vat_number
from plugins.luminus_energy.invoice_document import InvoiceDocument, quantity_text
from plugins.luminus_energy.labels import energy_label, kind_label, register_label
from plugins.luminus_energy.models import InvoiceKind
from plugins.luminus_energy.rules import structured_communication
from plugins.luminus_energy.settings import LuminusSettings

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NAVY = (20, 38, 75)
ORANGE = (243, 146, 0)
GREY = (91, 100, 115)
# millimetres of the statement's columns: date, document (wraps), number, due date, debit, credit, balance
STATEMENT_COLUMNS = (22, 38, 25, 22, 27, 27, 29)


def _plain(text: str) -> str:
    """Text safe for the built-in PDF fonts (used only when DejaVu is not installed)."""
    return (
        (text.replace("\u202f", " ").replace("\u00a0", " ").replace("€", "EUR").replace("–", "-").replace("’", "'"))
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


@functools.cache
def _document_class() -> type[Any]:
    """The branded document class; fpdf2 and fontTools load with the first PDF, not with the plugin."""
    from fpdf import FPDF

    class BrandedPDF(FPDF):
        """A4 page with the Luminus header band and the contact footer."""

        def __init__(self, title: str, contact: LuminusSettings) -> None:
            super().__init__(format="A4")
            self.doc_title = title
            self.contact = contact
            self.unicode = (FONT_DIR / "DejaVuSans.ttf").is_file()
            if self.unicode:
                self.add_font("Brand", "", str(FONT_DIR / "DejaVuSans.ttf"))
                self.add_font("Brand", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
                self.family = "Brand"
            else:
                self.family = "Helvetica"
            self.set_title(title)
            self.set_author("Luminus")
            self.set_auto_page_break(auto=True, margin=22)
            self.add_page()

        def multi_cell(self, *args: Any, align: str = "L", **kwargs: Any) -> Any:
            """Paragraphs are left-aligned: fpdf2 justifies them by default, stretching short lines."""
            return super().multi_cell(*args, align=align, **kwargs)

        def t(self, text: object) -> str:
            """Text in a form the current font can draw."""
            value = str(text)
            return value if self.unicode else _plain(value)

        def header(self) -> None:
            self.set_fill_color(*NAVY)
            self.rect(0, 0, 210, 24, "F")
            self.set_fill_color(*ORANGE)
            self.rect(0, 24, 210, 1.5, "F")
            self.set_text_color(255, 255, 255)
            self.set_font(self.family, "B", 20)
            self.set_xy(12, 7)
            self.cell(60, 10, "luminus")
            self.set_font(self.family, "", 10)
            self.set_xy(110, 9)
            self.cell(88, 6, self.t(self.doc_title), align="R")
            self.set_text_color(0, 0, 0)
            self.set_y(32)

        def footer(self) -> None:
            self.set_y(-16)
            self.set_font(self.family, "", 8)
            self.set_text_color(*GREY)
            line = _("Luminus SME customer service · %(phone)s · ", phone=self.contact.contact_phone)
            self.cell(self.get_string_width(self.t(line)), 5, self.t(line))
            self.mail_link(self.get_string_width(self.contact.contact_email) + 1, 5, self.contact.contact_email)
            self.set_x(self.l_margin)
            self.cell(0, 5, self.t(_("Page %(page)s", page=self.page_no())), align="R")

        def heading(self, text: str, size: int = 14) -> None:
            """A section title (``size`` 12 for a subsection)."""
            self.set_font(self.family, "B", size)
            self.set_text_color(*NAVY)
            self.multi_cell(0, size / 2, self.t(text), new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(1.5)

        def facts(self, rows: Sequence[tuple[str, str]]) -> None:
            """Label/value lines."""
            for label, value in rows:
                self.set_font(self.family, "B", 10)
                self.cell(60, 5.5, self.t(label))
                self.set_font(self.family, "", 10)
                self.multi_cell(0, 5.5, self.t(value), new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def grid(
            self,
            headers: Sequence[str],
            rows: Sequence[Sequence[str]],
            widths: Sequence[float],
            numeric: Sequence[int] = (),
        ) -> None:
            """A table with a coloured header row; long texts wrap inside their column and the columns whose
            index is in ``numeric`` are right-aligned (headers included)."""
            from fpdf.fonts import FontFace

            self.set_font(self.family, "", 9)
            align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(widths)))
            with self.table(
                col_widths=tuple(widths),
                width=sum(widths),
                align="LEFT",
                text_align=align,
                borders_layout="HORIZONTAL_LINES",
                headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=NAVY),
                line_height=4.5,
                padding=(0.8, 1.2),
                first_row_as_headings=True,
            ) as table:
                for values in (headers, *rows):
                    row = table.row()
                    for value in values:
                        row.cell(self.t(value))
            self.ln(3)

        def paragraph(self, text: str, mail: str | None = None) -> None:
            """Running text; the e-mail address ``mail`` in it is a link the reader can click."""
            before, found, after = text.partition(mail) if mail else (text, "", "")
            self.write(5, self.t(before))
            if found:
                self.write(5, self.t(found), link=f"mailto:{found}")
                self.write(5, self.t(after))
            self.ln(5)

        def mail_link(self, width: float, height: float, address: str, align: str = "L") -> None:
            """An e-mail address the reader can click."""
            self.cell(width, height, self.t(address), align=align, link=f"mailto:{address}")

        def bytes(self) -> bytes:
            """The finished document."""
            return bytes(self.output())

    return BrandedPDF


def _document(title: str, contact: LuminusSettings) -> Any:
    """A new A4 document with the Luminus header band and the contact footer, on its first page."""
    return _document_class()(title, contact)


def _parties(pdf: Any, settings: LuminusSettings, doc: InvoiceDocument) -> None:
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
        pdf.multi_cell(90, 5, pdf.t(name), new_x="LEFT", new_y="NEXT")
        pdf.set_font(pdf.family, "", 9)
        for text in filter(None, lines):
            pdf.multi_cell(90, 4.5, pdf.t(text), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 4)


def _payment(pdf: Any, settings: LuminusSettings, doc: InvoiceDocument) -> None:
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
        pdf.multi_cell(0, 5, pdf.t(note), new_x="LMARGIN", new_y="NEXT")
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
    pdf.multi_cell(
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
