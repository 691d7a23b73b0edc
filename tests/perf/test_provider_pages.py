"""SQL statements per main page of each shipped provider, signed in as its first demo account.

The pages are the dashboard and every page of the signed-in navigation. Each bound is the count
measured when it was set: an extra statement (an N+1 over rows, a look-up per widget) fails here.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import select
from starlette.routing import Router

from core.identity.models import User
from core.plugins import flatten
from core.portal import Portal
from core.tenancy.models import Tenant
from core.web.routing import tenant_routes
from tests.perf.conftest import demo_tenant, signed_in_cookie, warm

# (plugin, path) -> statements. Every signed-in page starts with one: the session with its user,
# membership and account. `SHOWSQL=/,/tickets pytest tests/perf/test_provider_pages.py -s` lists them.
BUDGETS: dict[tuple[str, str], int] = {
    ("lumen_ecommerce", "/"): 3,  # + orders awaiting approval, open tickets
    ("lumen_ecommerce", "/lumen/catalogue"): 2,
    ("lumen_ecommerce", "/lumen/orders"): 2,
    ("lumen_ecommerce", "/profile"): 2,
    ("lumen_ecommerce", "/support"): 1,
    ("lumen_ecommerce", "/tickets"): 2,
    ("videotron_business", "/"): 3,
    ("videotron_business", "/profile"): 2,
    ("videotron_business", "/support"): 1,
    ("videotron_business", "/tickets"): 2,
    ("videotron_business", "/videotron/users"): 2,
    ("omicron_registration", "/"): 6,
    ("omicron_registration", "/omicron/devices"): 3,
    ("omicron_registration", "/omicron/interests"): 2,
    ("omicron_registration", "/omicron/library"): 3,
    ("omicron_registration", "/omicron/updates"): 2,
    ("omicron_registration", "/profile"): 2,
    ("omicron_registration", "/support"): 1,
    ("omicron_registration", "/tickets"): 2,
    ("luminus_energy", "/"): 6,  # + customer, balance, overdue invoices, contracts with their sites, open tickets
    # + customer, contracts with their sites, open periods with advances, meters, advance histories, overdue invoices
    ("luminus_energy", "/luminus/advance"): 7,
    ("luminus_energy", "/luminus/invoices"): 5,
    ("luminus_energy", "/luminus/readings"): 5,  # + customer, supply points, meter with readings, closed period
    ("luminus_energy", "/luminus/statement"): 3,
    ("luminus_energy", "/profile"): 2,
    ("luminus_energy", "/support"): 1,
    ("luminus_energy", "/tickets"): 2,
}


async def _sign_in(portal: Portal, tenant: Tenant, accounts: list[Any]) -> tuple[str, list[str]]:
    """A session signed in as the first demo customer of the tenant, and the pages of its navigation."""
    logins = [account.login for account in accounts]
    async with portal.database.session(tenant.id) as db:
        users = {u.username: u for u in await db.scalars(select(User).where(User.username.in_(logins)))}
        users.update({u.email: u for u in await db.scalars(select(User).where(User.email.in_(logins)))})
    user = next(users[login] for login in logins if login in users)
    raw = await signed_in_cookie(portal, tenant.id, user.id)
    items = flatten(portal.hooks(tenant).portique_nav_items(tenant=tenant, user=user))
    router = Router(routes=tenant_routes(portal, tenant))  # resolves the items that name their route
    paths = {item.path if item.route is None else router.url_path_for(item.route, **item.params) for item in items}
    return raw, ["/", *sorted(paths)]


@pytest.mark.parametrize("plugin", ["lumen_ecommerce", "videotron_business", "omicron_registration", "luminus_energy"])
async def test_main_pages_of_each_provider_keep_their_statement_budget(portal, tenant_client, queries, plugin):
    tenant, accounts = await demo_tenant(portal, plugin)
    raw, paths = await _sign_in(portal, tenant, accounts)
    client = tenant_client(tenant)
    cookie = {"Cookie": f"portique_session={raw}"}
    measured = {}
    for path in paths:
        await warm(portal, client, path, queries, headers=cookie)
        response = await client.get(path, headers=cookie)
        assert response.status_code == 200, path
        measured[(plugin, path)] = len(queries)
        if os.environ.get("SHOWSQL") and path in os.environ["SHOWSQL"].split(","):
            print(plugin, path, queries.report())
    assert set(measured) == {page for page in BUDGETS if page[0] == plugin}  # a new page gets its own budget
    over = {page: (n, BUDGETS[page]) for page, n in measured.items() if n > BUDGETS[page]}
    assert not over, over  # page: (statements now, budget)
