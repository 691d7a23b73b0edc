"""Dashboard widgets: account balance and current advances."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from core.api import current_membership, service, tenant_db
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.settings import local_today


async def load_overview(request: Request) -> Mapping[str, Any]:
    """Balance, overdue invoices (their numbers) and advances of the signed-in user's company."""
    membership = await current_membership(request)
    if membership is None:
        return {"customer": None}
    backend = service(request.state.tenant, LuminusBackend)
    today = local_today(request.state.tenant)
    async with tenant_db(request) as db:
        customer = await backend.customer(db, membership.account.number)
        if customer is None:
            return {"customer": None}
        return {
            "customer": customer,
            "balance": await backend.balance(db, customer, today),
            "overdue": await backend.overdue_invoices(db, customer, today),
            "contracts": [(site.point.energy, site.contract) for site in await backend.contract_sites(db, customer)],
        }
