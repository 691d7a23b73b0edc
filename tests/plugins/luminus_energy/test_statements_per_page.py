"""The Luminus pages read one statement per kind of row: as many for a customer with three contracts as with one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from plugins.luminus_energy.demo import Site, add_site
from plugins.luminus_energy.models import AdvanceChange, Customer, Energy, Frequency
from tests.perf.conftest import warm
from tests.plugins.luminus_energy.conftest import NOW, TODAY


async def _customer_with_contracts(world: Any, count: int) -> Customer:
    """A customer with ``count`` contracts (electricity, then gas billed quarterly), each with an advance change."""
    customer, contract = await world.customer()
    async with world.db() as db:
        contracts = [contract]
        for extra in range(1, count):
            site = Site(
                f"5414488{world.counter:05d}{extra:05d}",
                Energy.GAS,
                f"Rue Basse {extra}",
                "1000",
                "Bruxelles",
                (("gas", 1.0),),
                "GAS-PRO-FIX",
                date(2023, 6, 1),
                frequency=Frequency.QUARTERLY,
                advance=Decimal("540"),
                annual=Decimal("21000"),
            )
            contracts.append(await add_site(db, customer, site, TODAY))
        for item in contracts:
            db.add(
                AdvanceChange(
                    contract_id=item.id,
                    changed_at=NOW.replace(month=6),
                    old_amount=Decimal("1"),
                    new_amount=Decimal("2"),
                )
            )
        await db.commit()
    return customer


async def _statements(world: Any, queries: Any, customer: Customer, path: str) -> tuple[int, str]:
    """The statements of a signed-in request of ``path`` (after one to fill the caches), and the page."""
    client = await world.client(customer)
    await warm(world.portal, client, path, queries)  # the registry's periodic reload is not part of the page
    response = await client.get(path)
    assert response.status_code == 200
    return len(queries), response.text


@pytest.mark.parametrize(
    ("path", "per_contract"),
    [
        ("/luminus/advance", 'aria-labelledby="contract-'),
        ("/luminus/advance/change", 'class="field luminus-slider'),
        ("/", "<li>"),
    ],
)
async def test_the_statements_of_a_page_do_not_grow_with_the_contracts(world, queries, path, per_contract):
    one = await _customer_with_contracts(world, 1)
    three = await _customer_with_contracts(world, 3)
    statements_one, page_one = await _statements(world, queries, one, path)
    statements_three, page_three = await _statements(world, queries, three, path)
    assert page_three.count(per_contract) - page_one.count(per_contract) == 2  # every contract is shown
    assert statements_three == statements_one, queries.report()
