"""A whole registry imported from CSV rows gives a customer the portal can serve."""

from __future__ import annotations

from sqlalchemy import select

from core.api import RowError
from plugins.luminus_energy.ean import make_ean
from plugins.luminus_energy.importers import importers
from plugins.luminus_energy.models import Customer

EAN = make_ean("54144999000022222")
ROWS = {
    "customers": [{"number": "2000888888", "name": "Atelier Dubois", "language": "fr_BE", "email": "a@dubois.be"}],
    "supply_points": [
        {
            "customer_number": "2000888888",
            "ean": EAN,
            "energy": "electricity",
            "street": "Rue Longue 5",
            "postcode": "7000",
            "city": "Mons",
            "registers": "single",
        }
    ],
    "tariffs": [
        {
            "code": "E1",
            "name": "Pro",
            "energy": "electricity",
            "unit_price": "0,30",
            "fixed_monthly": "10",
            "vat_rate": "21",
        }
    ],
    "contracts": [
        {
            "customer_number": "2000888888",
            "ean": EAN,
            "number": "C-1",
            "tariff_code": "E1",
            "start_date": "2025-01-01",
            "end_date": "",
            "billing_frequency": "monthly",
            "advance_amount": "200",
            "estimated_annual_consumption": "8000",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        }
    ],
    "readings": [{"ean": EAN, "register": "single", "date": "2026-01-01", "value": "12000", "source": "grid_operator"}],
    "invoices": [
        {
            "customer_number": "2000888888",
            "number": "2610000001",
            "kind": "advance",
            "issue_date": "2026-11-01",
            "due_date": "2026-11-16",
            "amount": "200",
            "contract_number": "C-1",
        }
    ],
    "payments": [
        {
            "customer_number": "2000888888",
            "invoice_number": "2610000001",
            "paid_on": "2026-11-10",
            "amount": "200",
            "method": "transfer",
        }
    ],
}


async def test_the_importers_in_order_build_a_working_customer(world):
    by_code = {imp.code: imp for imp in importers()}
    assert list(by_code) == list(ROWS)
    async with world.db() as db:
        for code, rows in ROWS.items():
            importer = by_code[code]
            assert set(rows[0]) <= set(importer.columns), code
            assert await importer.validate(db, world.tenant, rows) == [], code
            assert await importer.apply(db, world.tenant, rows) == 1
        await db.commit()
        customer = await db.scalar(select(Customer).where(Customer.number == "2000888888"))
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    assert page.status_code == 200
    assert "data-cost=" in page.text
    invoices = await client.get("/luminus/invoices")
    assert 'data-status="paid"' in invoices.text
    readings = await client.get("/luminus/readings")
    assert EAN in readings.text


async def test_import_errors_name_the_line_and_column(world):
    by_code = {imp.code: imp for imp in importers()}
    async with world.db() as db:
        await by_code["customers"].apply(db, world.tenant, ROWS["customers"])
        bad = [{**ROWS["contracts"][0], "billing_frequency": "weekly", "start_date": "01/01/2025"}]
        errors = await by_code["contracts"].validate(db, world.tenant, bad)
    columns = {(e.line, e.column) for e in errors}
    assert (2, "billing_frequency") in columns
    assert (2, "start_date") in columns
    assert (2, "ean") in columns  # the supply point was not imported
    assert all(isinstance(e, RowError) for e in errors)
