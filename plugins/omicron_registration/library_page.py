"""The A4 page of OMICRON library documents (fpdf2): header line, page footer, headings, text, pairs.

Imported by ``library_pdf`` with the first document, so fpdf2 loads then, not with the plugin.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import CoreFont

from .library_style import BLUE, FONT, GREY, ORANGE, plain


class LibraryPDF(FPDF):
    """A4 pages with the OMICRON header line and a page footer."""

    def __init__(self, title: str, labels: dict[str, str], pages: int) -> None:
        super().__init__(format="A4")
        self.doc_title = plain(title)
        self.labels = labels
        self.total_pages = pages
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self) -> None:
        self.set_fill_color(*BLUE)
        self.rect(0, 0, 210, 12, "F")
        self.set_fill_color(*ORANGE)
        self.rect(0, 12, 210, 1.2, "F")
        self.set_xy(20, 3)
        self.set_font(FONT, "B", 11)
        self.set_text_color(255, 255, 255)
        self.cell(40, 6, "OMICRON")
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        width = self.epw - 30
        title = self._lines(self.doc_title, width, 8)[0]
        self.cell(width, 5, title)
        page = self.labels["page"].format(page=self.page_no(), pages=self.total_pages)
        self.cell(30, 5, plain(page), align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 15) -> None:
        """A section title."""
        self.set_text_color(*BLUE)
        self.paragraph(text, size=size, style="B", height=size * 0.5, after=3)
        self.set_text_color(0, 0, 0)

    def paragraph(self, text: str, size: int = 10, style: str = "", height: float = 5, after: float = 3) -> None:
        """Text broken into lines that fit the page width."""
        self.set_font(FONT, style, size)
        for line in self._lines(plain(text), self.epw, size):
            self.cell(self.epw, height, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(after)

    def contents(self, headings: list[str]) -> None:
        """The sections with their pages (the first one starts on page 2)."""
        self.set_font(FONT, "", 10)
        for page, heading in enumerate(headings, start=2):
            self.cell(self.epw - 15, 6, plain(heading))
            self.cell(15, 6, str(page), align="R", new_x="LMARGIN", new_y="NEXT")

    def pairs(self, headers: tuple[str, str] | None, rows: tuple[tuple[str, str], ...]) -> None:
        """Two columns: a label and its value."""
        first = self.epw * 0.45
        if headers is not None:
            self.set_font(FONT, "B", 10)
            self.set_fill_color(*BLUE)
            self.set_text_color(255, 255, 255)
            self.cell(first, 7, plain(headers[0]), fill=True)
            self.cell(self.epw - first, 7, plain(headers[1]), fill=True, new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
        for label, value in rows:
            self.set_font(FONT, "B", 10)
            self.cell(first, 7, plain(label), border="B")
            self.set_font(FONT, "", 10)
            self.cell(self.epw - first, 7, plain(value), border="B", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def _lines(self, text: str, width: float, size: float) -> list[str]:
        """``text`` broken into lines of at most ``width``, from the built-in font's character widths."""
        font = self.current_font
        if not isinstance(font, CoreFont):
            raise TypeError("library PDFs are drawn with a built-in font")
        widths = font.cw
        scale = size / 1000 / self.k
        space = widths[" "] * scale
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for word in text.split():
            word_width = sum(widths.get(char, 600) for char in word) * scale
            if line and used + space + word_width > width:
                lines.append(" ".join(line))
                line, used = [word], word_width
            else:
                used += (space if line else 0) + word_width
                line.append(word)
        return [*lines, " ".join(line)] if line else lines or [""]
