"""Account statement per EAN: Excel with typed cells, PDF, period validation, other customers' EANs refused."""

from __future__ import annotations

import functools
import io
import re
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from plugins.luminus_energy.models import SupplyPoint


async def point_of(world, contract) -> SupplyPoint:
    async with world.db() as db:
        return await db.get(SupplyPoint, contract.supply_point_id)


async def test_excel_statement_has_translated_headers_dates_and_numbers(world):
    customer, contract = await world.customer(start=date(2024, 3, 1))
    point = await point_of(world, contract)
    client = await world.client(customer)
    response = await client.get(
        "/luminus/statement", params={"point": point.id, "start": "2026-01-01", "end": "2026-06-30", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B3"].value == point.ean
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 5).value is not None and sheet.cell(r, 1).value)
    header = [sheet.cell(header_row, c).value for c in range(1, 8)]
    assert header[0] == "Date"
    first = header_row + 1
    assert isinstance(sheet.cell(first, 1).value, datetime)
    assert sheet.cell(first, 1).value.date() == date(2026, 1, 1)
    assert isinstance(sheet.cell(first, 5).value, (int, float))  # a number, not text
    assert sheet.cell(first, 5).value == 300.0
    rows = [[sheet.cell(r, c).value for c in range(1, 8)] for r in range(first, sheet.max_row + 1)]
    # 6 advances of 300, a settlement issued on 20 March, and the payments of all of them
    assert sum(1 for row in rows if row[4] == 300.0) == 6
    assert all(date(2026, 1, 1) <= row[0].date() <= date(2026, 6, 30) for row in rows)
    assert rows[-1][6] == sum(row[4] for row in rows) - sum(row[5] for row in rows)


async def test_pdf_statement(world):
    customer, contract = await world.customer()
    point = await point_of(world, contract)
    client = await world.client(customer, locale="nl_BE")
    response = await client.get(
        "/luminus/statement", params={"point": point.id, "start": "2026-01-01", "end": "2026-11-26", "format": "pdf"}
    )
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert point.ean in text


async def test_bad_period_is_explained_next_to_the_field(world):
    customer, contract = await world.customer()
    point = await point_of(world, contract)
    client = await world.client(customer)
    response = await client.get(
        "/luminus/statement", params={"point": point.id, "start": "2026-06-01", "end": "2026-01-01", "format": "xlsx"}
    )
    assert response.status_code == 422
    assert 'id="end-error"' in response.text
    assert 'value="2026-06-01"' in response.text
    garbage = await client.get(
        "/luminus/statement", params={"point": point.id, "start": "nope", "end": "2026-01-01", "format": "xlsx"}
    )
    assert garbage.status_code == 422


async def test_another_customers_ean_cannot_be_exported(world):
    mine, _ = await world.customer()
    _theirs, their_contract = await world.customer()
    their_point = await point_of(world, their_contract)
    client = await world.client(mine)
    response = await client.get(
        "/luminus/statement",
        params={"point": their_point.id, "start": "2026-01-01", "end": "2026-06-30", "format": "xlsx"},
    )
    assert response.status_code == 404
    form = await client.get("/luminus/statement")
    assert their_point.ean not in form.text


def _fragments(content: bytes) -> list[tuple[float, float, str]]:
    """(x, y, text) in points of every piece of text the PDF draws."""
    found: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return found


@functools.cache
def _measure() -> Any:
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.add_font("Brand", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.add_font("Brand", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    return pdf


def _text_width(text: str, bold: bool = False) -> float:
    """Width in points of ``text`` in the statement's table font (DejaVu Sans 9 pt, bold in the header row)."""
    pdf = _measure()
    pdf.set_font("Brand", "B" if bold else "", 9)
    return float(pdf.get_string_width(text))


@pytest.mark.parametrize("locale", ["fr_BE", "nl_BE"])
async def test_pdf_statement_columns_hold_their_text_with_amounts_right_aligned_and_full_years(world, locale):
    from plugins.luminus_energy.pdf import STATEMENT_COLUMNS

    customer, contract = await world.customer(start=date(2024, 3, 1))
    point = await point_of(world, contract)
    client = await world.client(customer, locale=locale)
    response = await client.get(
        "/luminus/statement", params={"point": point.id, "start": "2025-01-01", "end": "2026-11-26", "format": "pdf"}
    )
    assert response.status_code == 200
    fragments = _fragments(response.content)
    balance = {"fr_BE": "Solde de la période", "nl_BE": "Saldo van de periode"}[locale]
    fragments = fragments[: next(i for i, (_x, _y, text) in enumerate(fragments) if text == balance)]  # the table
    header = {"fr_BE": "Débit", "nl_BE": "Debet"}[locale]
    header_y = next(y for x, y, text in fragments if text == header)
    mm = 72 / 25.4
    edges = [10 * mm]
    for width in STATEMENT_COLUMNS:
        edges.append(edges[-1] + width * mm)
    # the table: from its header row down to above the footer, on every page
    table = [(x, y, text) for x, y, text in fragments if 60 < y <= header_y + 1]
    rows = [(x, y, text) for x, y, text in table if y < header_y - 1]
    assert len(rows) > 40
    right_ends: dict[int, set[float]] = {4: set(), 5: set(), 6: set()}
    for x, y, text in table:
        column = next(i for i in range(len(STATEMENT_COLUMNS)) if edges[i] - 1 <= x < edges[i + 1])
        end = x + _text_width(text, bold=abs(y - header_y) < 1)
        assert end <= edges[column + 1] + 0.5, (text, column)  # never runs into the next column
        if column in right_ends:
            right_ends[column].add(round(end))
    for column, ends in right_ends.items():
        assert len(ends) == 1, (column, ends)  # debit, credit and balance: one right edge per column
    kinds = {"fr_BE": ("Facture d'acompte", "Facture de décompte"), "nl_BE": ("Voorschotfactuur", "Afrekeningsfactuur")}
    texts = [text for _x, _y, text in rows]
    assert all(any(kind in t for t in texts) for kind in kinds[locale])
    dates = [t for t in texts if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d+", t)]
    assert len(dates) > 20
    assert all(re.fullmatch(r"\d{1,2}/\d{2}/20\d\d", t) for t in dates), dates[:5]
