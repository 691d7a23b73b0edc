"""Dashboard widgets: account balance and current advances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from core.api import current_membership, tenant_db
from plugins.luminus_energy.settings import local_today
from plugins.luminus_energy.web import backend_for


async def load_overview(request: Request) -> Mapping[str, Any]:
    """Balance, open invoices and advances of the signed-in user's company."""
    membership = await current_membership(request)
    if membership is None:
        return {"customer": None}
    backend = backend_for(request)
    today = local_today(request.state.tenant)
    async with tenant_db(request) as db:
        customer = await backend.customer(db, membership.account.number)
        if customer is None:
            return {"customer": None}
        lines = await backend.invoices(db, customer, today)
        energies = {p.id: p.energy for p in await backend.supply_points(db, customer)}
        return {
            "customer": customer,
            "balance": await backend.balance(db, customer, today),
            "overdue": [line for line in lines if line.status == "overdue"],
            "contracts": [(energies.get(c.supply_point_id, ""), c) for c in await backend.contracts(db, customer)],
        }
