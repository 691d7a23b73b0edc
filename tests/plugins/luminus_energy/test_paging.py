"""Invoices and payments are listed 20 at a time, newest first, with links to older and newer pages that keep
the tab; a bad cursor in the address gives the first page, never an error."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from plugins.luminus_energy.models import Invoice, Payment
from plugins.luminus_energy.paging import MAX_ID, PAGE_SIZE, Cursor

ROW = re.compile(r'<tr id="invoice-(\d+)"')


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}"', html)
    return match.group(1).replace("&amp;", "&") if match else None


async def _ids(world, model, customer_id: int) -> list[int]:
    async with world.db() as db:
        if model is Invoice:
            order = (Invoice.issue_date.desc(), Invoice.id.desc())
            return list(await db.scalars(select(Invoice.id).where(Invoice.customer_id == customer_id).order_by(*order)))
        order = (Payment.paid_on.desc(), Payment.id.desc())
        return list(await db.scalars(select(Payment.id).where(Payment.customer_id == customer_id).order_by(*order)))


async def test_invoices_come_twenty_at_a_time_and_the_links_walk_the_whole_list_both_ways(world):
    customer, _contract = await world.customer(start=date(2021, 3, 1))
    expected = await _ids(world, Invoice, customer.id)
    assert len(expected) > 3 * PAGE_SIZE
    client = await world.client(customer)
    html = (await client.get("/luminus/invoices")).text
    assert _link(html, "prev") is None
    assert f"Factures 1 à {PAGE_SIZE} sur {len(expected)}" in html
    pages = []
    while True:
        rows = [int(i) for i in ROW.findall(html)]
        assert 0 < len(rows) <= PAGE_SIZE
        pages.append(rows)
        older = _link(html, "next")
        if older is None:
            break
        assert older.startswith("/luminus/invoices?tab=invoices&older=")
        html = (await client.get(older)).text
    assert [i for page in pages for i in page] == expected  # every invoice once, in order
    last = len(expected)
    assert f"Factures {last - len(pages[-1]) + 1} à {last} sur {last}" in html
    back = []
    while (newer := _link(html, "prev")) is not None:
        assert "tab=invoices&newer=" in newer
        html = (await client.get(newer)).text
        back.append([int(i) for i in ROW.findall(html)])
    assert back[::-1] == pages[:-1]
    assert "Les plus récentes" not in html  # back on the first page


async def test_payments_are_paged_on_their_own_tab(world):
    customer, _contract = await world.customer(start=date(2021, 3, 1))
    expected = await _ids(world, Payment, customer.id)
    client = await world.client(customer, locale="nl_BE")
    html = (await client.get("/luminus/invoices?tab=payments")).text
    assert f"Betalingen 1 tot {PAGE_SIZE} van {len(expected)}" in html
    seen = 0
    while True:
        seen += html.count('<td class="num"')
        older = _link(html, "next")
        if older is None:
            break
        assert older.startswith("/luminus/invoices?tab=payments&older=")
        html = (await client.get(older)).text
        assert '?tab=payments" aria-current="page"' in html
    assert seen == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        "older=garbage",
        "older=2026-02-30.5",
        f"older=2026-01-01.{MAX_ID + 1}",
        "newer=2026-01-01.99999999999999999999",
        "older=2026-01-01.-3",
        "newer=2999-01-01.1",  # nothing newer: the first page
        "older=1900-01-01.1",  # nothing older: the first page
    ],
)
async def test_a_bad_or_stale_cursor_gives_the_first_page(world, query):
    customer, _contract = await world.customer(start=date(2024, 3, 1))
    client = await world.client(customer)
    first = ROW.findall((await client.get("/luminus/invoices")).text)
    response = await client.get(f"/luminus/invoices?{query}")
    assert response.status_code == 200
    assert ROW.findall(response.text) == first


async def test_another_customers_cursor_shows_only_my_invoices(world):
    mine, _ = await world.customer(start=date(2022, 3, 1))
    theirs, _ = await world.customer(start=date(2022, 3, 1))
    their_ids = set(await _ids(world, Invoice, theirs.id))
    async with world.db() as db:
        theirs_newest = await db.scalar(select(Invoice).where(Invoice.id == max(their_ids)))
    client = await world.client(mine)
    html = (
        await client.get(
            f"/luminus/invoices?older={Cursor.including(theirs_newest.issue_date, theirs_newest.id).token}"
        )
    ).text
    assert ROW.findall(html)
    assert not {int(i) for i in ROW.findall(html)} & their_ids


def test_cursor_tokens_round_trip_and_refuse_what_is_not_one():
    cursor = Cursor(date(2026, 3, 1), 1234)
    assert Cursor.parse(cursor.token) == cursor
    assert Cursor.parse("2026-03-01.0") is None
    assert Cursor.parse("2026-03-01") is None
    assert Cursor.parse(None) is None
    assert Cursor.including(date(2026, 3, 1), 7) == Cursor(date(2026, 3, 1), 8)
