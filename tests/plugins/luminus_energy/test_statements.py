"""Account statement per EAN: Excel with typed cells, PDF, period validation, other customers' EANs refused."""

from __future__ import annotations

import io
from datetime import date, datetime

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
