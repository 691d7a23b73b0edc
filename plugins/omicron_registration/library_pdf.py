"""A library document as a PDF, generated when it is downloaded (fpdf2, loaded with the first one).

Nothing is stored: the PDF follows from the document's row (title, product, topic, type, language,
date, pages) and the texts of :mod:`.library_texts`, in the document's language. One page per
section after a cover page with the document's facts and contents. Lines are broken here, from the
font's character widths (fpdf2's own line breaking costs about ten times more on these pages).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, time
from typing import Any, Protocol

from .catalog import FAMILY_LABELS
from .library_texts import LABELS, OUTLINES, SECTIONS, TECHNICAL_DATA, TOPIC_NAMES, TOPIC_PHRASES

BLUE = (0, 59, 111)
ORANGE = (227, 114, 34)
GREY = (80, 92, 107)
FONT = "Helvetica"
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u202f": " "})


class LibraryDocument(Protocol):
    """What the PDF needs from a library document (``models.Document``)."""

    id: int
    title: str
    summary: str
    family: str
    topic: str
    language: str
    doc_type: str
    published_on: Any
    pages: int


def page_count(document: LibraryDocument) -> int:
    """The pages of the PDF: the cover and one per section, at most the outline's length."""
    return max(2, min(document.pages, 1 + len(OUTLINES[document.doc_type])))


def product_of(document: LibraryDocument) -> str:
    """The product the document is about (named in its summary, else its family)."""
    return document.summary.split(" · ", 1)[0] or FAMILY_LABELS.get(document.family, document.family)


def file_name(document: LibraryDocument) -> str:
    """An ASCII file name for the download: ``omicron-<id>-<words of the title>.pdf``."""
    ascii_title = unicodedata.normalize("NFKD", document.title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-").lower()[:60].strip("-")
    return f"omicron-{document.id}-{words}.pdf"


def section_headings(document: LibraryDocument) -> list[str]:
    """The headings of the document's sections, numbered, as its contents list them."""
    language = _language(document)
    keys = OUTLINES[document.doc_type][: page_count(document) - 1]
    return [f"{n} {SECTIONS[language][key][0]}" for n, key in enumerate(keys, start=1)]


def render_pdf(document: LibraryDocument) -> bytes:
    """The document as a PDF (CPU-bound: call it from a worker thread)."""
    language = _language(document)
    labels = LABELS[language]
    pdf = _pdf_class()(document.title, labels, page_count(document))
    pdf.set_title(document.title)
    pdf.set_author("OMICRON")
    pdf.set_subject(f"{product_of(document)} · {labels[document.doc_type]}")
    pdf.set_keywords(f"{FAMILY_LABELS.get(document.family, document.family)} {document.topic}")
    pdf.set_lang(language)
    pdf.set_creation_date(datetime.combine(document.published_on, time(8, 0)))
    words = {"product": product_of(document), "topic": TOPIC_PHRASES[language][document.topic]}
    _cover(pdf, document, labels, section_headings(document))
    for number, key in enumerate(OUTLINES[document.doc_type][: page_count(document) - 1], start=1):
        heading, paragraphs = SECTIONS[language][key]
        pdf.add_page()
        pdf.heading(f"{number} {heading}")
        for paragraph in paragraphs:
            pdf.paragraph(paragraph.format(**words))
        if key == "technical_data":
            pdf.table((labels["quantity"], labels["value"]), TECHNICAL_DATA[language])
    return bytes(pdf.output())


def _language(document: LibraryDocument) -> str:
    return document.language if document.language in SECTIONS else "en"


def _cover(pdf: Any, document: LibraryDocument, labels: dict[str, str], headings: list[str]) -> None:
    pdf.add_page()
    pdf.set_y(40)
    pdf.set_text_color(*BLUE)
    pdf.paragraph(document.title, size=22, style="B", height=10)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    facts = (
        (labels["product"], product_of(document)),
        (labels["family"], FAMILY_LABELS.get(document.family, document.family)),
        (labels["topic"], TOPIC_NAMES[_language(document)][document.topic]),
        (labels["type"], labels[document.doc_type]),
        (labels["language"], labels["language_name"]),
        (labels["published"], document.published_on.isoformat()),
        (labels["number"], f"OMI-DOC-{document.id:06d}"),
    )
    pdf.table(None, facts)
    pdf.ln(6)
    pdf.heading(labels["contents"], size=13)
    pdf.contents(headings)


@functools.cache
def _pdf_class() -> type[Any]:
    """The document class; fpdf2 loads with the first PDF, not with the plugin."""
    from fpdf import FPDF

    class LibraryPDF(FPDF):
        """A4 pages with the OMICRON header line and a page footer."""

        def __init__(self, title: str, labels: dict[str, str], pages: int) -> None:
            super().__init__(format="A4")
            self.doc_title = _plain(title)
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
            self.cell(30, 5, _plain(page), align="R")
            self.set_text_color(0, 0, 0)

        def heading(self, text: str, size: int = 15) -> None:
            """A section title."""
            self.set_text_color(*BLUE)
            self.paragraph(text, size=size, style="B", height=size * 0.5, after=3)
            self.set_text_color(0, 0, 0)

        def paragraph(self, text: str, size: int = 10, style: str = "", height: float = 5, after: float = 3) -> None:
            """Text broken into lines that fit the page width."""
            self.set_font(FONT, style, size)
            for line in self._lines(_plain(text), self.epw, size):
                self.cell(self.epw, height, line, new_x="LMARGIN", new_y="NEXT")
            self.ln(after)

        def contents(self, headings: list[str]) -> None:
            """The sections with their pages (the first one starts on page 2)."""
            self.set_font(FONT, "", 10)
            for page, heading in enumerate(headings, start=2):
                self.cell(self.epw - 15, 6, _plain(heading))
                self.cell(15, 6, str(page), align="R", new_x="LMARGIN", new_y="NEXT")

        def table(self, headers: tuple[str, str] | None, rows: tuple[tuple[str, str], ...]) -> None:
            """Two columns: a label and its value."""
            first = self.epw * 0.45
            if headers is not None:
                self.set_font(FONT, "B", 10)
                self.set_fill_color(*BLUE)
                self.set_text_color(255, 255, 255)
                self.cell(first, 7, _plain(headers[0]), fill=True)
                self.cell(self.epw - first, 7, _plain(headers[1]), fill=True, new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0, 0, 0)
            for label, value in rows:
                self.set_font(FONT, "B", 10)
                self.cell(first, 7, _plain(label), border="B")
                self.set_font(FONT, "", 10)
                self.cell(self.epw - first, 7, _plain(value), border="B", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

        def _lines(self, text: str, width: float, size: float) -> list[str]:
            widths = self.current_font.cw
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

    return LibraryPDF


def _plain(text: str) -> str:
    """Text the PDF's built-in font can draw (Latin-1)."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
