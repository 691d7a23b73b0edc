"""A library document as a PDF, generated when it is downloaded (fpdf2, loaded with the first one).

Nothing is stored: the PDF follows from the document's row (title, product, topic, type, language,
date, pages) and the texts of :mod:`.library_texts`, in the document's language. One page per
section after a cover page with the document's facts and contents. Lines are broken here, from the
font's character widths (fpdf2's own line breaking costs about ten times more on these pages).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Protocol

from .catalog import FAMILY_LABELS
from .library_style import BLUE
from .library_texts import LABELS, OUTLINES, SECTIONS, TECHNICAL_DATA, TOPIC_NAMES, TOPIC_PHRASES

if TYPE_CHECKING:
    from .library_page import LibraryPDF


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
    from .library_page import LibraryPDF  # fpdf2 loads with the first PDF

    pdf = LibraryPDF(document.title, labels, page_count(document))
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
            pdf.pairs((labels["quantity"], labels["value"]), TECHNICAL_DATA[language])
    return bytes(pdf.output())


def _language(document: LibraryDocument) -> str:
    return document.language if document.language in SECTIONS else "en"


def _cover(pdf: LibraryPDF, document: LibraryDocument, labels: dict[str, str], headings: list[str]) -> None:
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
    pdf.pairs(None, facts)
    pdf.ln(6)
    pdf.heading(labels["contents"], size=13)
    pdf.contents(headings)
