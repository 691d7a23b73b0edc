"""The branded A4 page of Luminus documents (fpdf2): header band, contact footer, headings, facts, tables.

Imported by ``pdf`` with the first document, so fpdf2 and fontTools load then, not with the plugin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.api import gettext as _
from plugins.luminus_energy.brand import FONT_DIR, GREY, NAVY, ORANGE
from plugins.luminus_energy.settings import LuminusSettings


def plain(text: str) -> str:
    """Text safe for the built-in PDF fonts (used only when DejaVu is not installed)."""
    return (
        (text.replace("\u202f", " ").replace("\u00a0", " ").replace("€", "EUR").replace("–", "-").replace("’", "'"))
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


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

    def lines(self, width: float, height: float, text: str, **position: Any) -> None:
        """Wrapped text, left-aligned: fpdf2's ``multi_cell`` justifies by default, stretching short lines."""
        self.multi_cell(width, height, text, align="L", **position)

    def t(self, text: object) -> str:
        """Text in a form the current font can draw."""
        value = str(text)
        return value if self.unicode else plain(value)

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
        self.lines(0, size / 2, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1.5)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label/value lines."""
        for label, value in rows:
            self.set_font(self.family, "B", 10)
            self.cell(60, 5.5, self.t(label))
            self.set_font(self.family, "", 10)
            self.lines(0, 5.5, self.t(value), new_x="LMARGIN", new_y="NEXT")
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
