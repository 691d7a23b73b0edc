"""Branded PDF documents (fpdf2): invoices and credit notes, account statements, the moving document."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.api import format_date, format_money
from core.api import gettext as _
from plugins.luminus_energy.rules import structured_communication
from plugins.luminus_energy.settings import LuminusSettings

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NAVY = (20, 38, 75)
ORANGE = (243, 146, 0)
GREY = (91, 100, 115)


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
            line = _(
                "Luminus SME customer service · %(phone)s · %(email)s",
                phone=self.contact.contact_phone,
                email=self.contact.contact_email,
            )
            self.cell(0, 5, self.t(line), align="L")
            self.cell(0, 5, self.t(_("Page %(page)s", page=self.page_no())), align="R")

        def heading(self, text: str) -> None:
            """A section title."""
            self.set_font(self.family, "B", 14)
            self.set_text_color(*NAVY)
            self.multi_cell(0, 8, self.t(text), new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(2)

        def facts(self, rows: Sequence[tuple[str, str]]) -> None:
            """Label/value lines."""
            for label, value in rows:
                self.set_font(self.family, "B", 10)
                self.cell(60, 6, self.t(label))
                self.set_font(self.family, "", 10)
                self.multi_cell(0, 6, self.t(value), new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def grid(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
            """A simple table with a coloured header row; numbers right-aligned from the third column."""
            self.set_font(self.family, "B", 9)
            self.set_fill_color(*NAVY)
            self.set_text_color(255, 255, 255)
            for header, width in zip(headers, widths, strict=True):
                self.cell(width, 7, self.t(header), border=0, fill=True)
            self.ln()
            self.set_text_color(0, 0, 0)
            self.set_font(self.family, "", 9)
            for row in rows:
                for i, (value, width) in enumerate(zip(row, widths, strict=True)):
                    self.cell(width, 6, self.t(value), border="B", align="R" if i >= len(widths) - 2 else "L")
                self.ln()
            self.ln(3)

        def bytes(self) -> bytes:
            """The finished document."""
            return bytes(self.output())

    return BrandedPDF


def _document(title: str, contact: LuminusSettings) -> Any:
    """A new A4 document with the Luminus header band and the contact footer, on its first page."""
    return _document_class()(title, contact)


def kind_labels() -> dict[str, str]:
    """Translated names of the invoice kinds."""
    return {
        "advance": _("Advance invoice"),
        "settlement": _("Settlement invoice"),
        "credit_note": _("Credit note"),
        "reminder_fee": _("Reminder fee"),
    }


def kind_label(kind: str) -> str:
    """Translated name of an invoice kind."""
    return kind_labels().get(kind, kind)


def invoice_pdf(
    contact: LuminusSettings,
    *,
    customer_name: str,
    customer_number: str,
    billing_address: str,
    vat_number: str,
    number: str,
    kind: str,
    issue_date: object,
    due_date: object,
    amount: object,
    status: str,
    ean: str,
    supply_address: str,
    period: str,
) -> bytes:
    """An invoice or credit note."""
    title = kind_label(kind)
    pdf = _document(f"{title} {number}", contact)
    pdf.heading(f"{title} {number}")
    pdf.facts(
        [
            (_("Customer"), customer_name),
            (_("Customer number"), customer_number),
            (_("Billing address"), billing_address or "—"),
            (_("VAT number"), vat_number or "—"),
        ]
    )
    pdf.facts(
        [
            (_("Issue date"), format_date(issue_date, "long")),  # type: ignore[arg-type]
            (_("Due date"), format_date(due_date, "long")),  # type: ignore[arg-type]
            (_("EAN"), ean or "—"),
            (_("Supply address"), supply_address or "—"),
            (_("Billing period"), period or "—"),
        ]
    )
    if kind != "credit_note":
        pdf.facts([(_("Structured communication"), structured_communication(number))])
    total_label = _("Amount credited") if kind == "credit_note" else _("Amount due incl. VAT")
    pdf.grid(
        [_("Description"), _("Status"), total_label],
        [[title, status, format_money(amount, "EUR")]],  # type: ignore[arg-type]
        [90, 40, 60],
    )
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
    pdf.grid(headers, rows, [22, 28, 44, 22, 24, 24, 26])
    pdf.facts([(_("Balance of the period"), balance)])
    return pdf.bytes()


def moving_document_pdf(contact: LuminusSettings) -> bytes:
    """The « document de reprise des énergies » to be filled in and signed by both parties."""
    title = _("Energy takeover document")
    pdf = _document(title, contact)
    pdf.heading(title)
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(
        0,
        5,
        pdf.t(
            _(
                "To be completed and signed by both parties (the party leaving and the party taking over the "
                "premises), "
                "then sent to %(email)s.",
                email=contact.business_email,
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
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
