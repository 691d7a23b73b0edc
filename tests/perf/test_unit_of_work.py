"""One unit of work per request: every signed-in page takes one connection and one transaction, and writes nothing.

Opening a session costs a connection check-out and a rollback (a thread hop each on SQLite, a round
trip on PostgreSQL): the session store's load, the user, the page and its widgets share one session
(``core.db.unit``). A page read again within the minute writes nothing (the session's idle timeout
slides at most once a minute).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, select

from core.db.unit import RequestUnit, bind_unit, unbind_unit
from core.identity.models import Account
from core.portal import Portal
from tests.perf.conftest import demo_tenant, warm
from tests.perf.test_provider_pages import BUDGETS, _sign_in
from tests.perf.test_query_counts import _add_tickets, _signed_in_cookie

WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Plumbing:
    """Connections checked out of the pool, transactions begun and statements run while attached."""

    checkouts: int = 0
    begins: int = 0
    statements: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.checkouts, self.begins = 0, 0
        self.statements.clear()

    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(WRITES)]


@pytest.fixture
def plumbing(portal: Portal) -> Iterator[Plumbing]:
    seen = Plumbing()
    engine = portal.database.sync_engine

    def checkout(*_: Any) -> None:
        seen.checkouts += 1

    def begin(*_: Any) -> None:
        seen.begins += 1

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.statements.append(sql)

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine, "begin", begin)
    event.listen(engine, "before_cursor_execute", statement)
    yield seen
    event.remove(engine.pool, "checkout", checkout)
    event.remove(engine, "begin", begin)
    event.remove(engine, "before_cursor_execute", statement)


async def _measure(portal, client, path, plumbing, queries, headers) -> Plumbing:
    await warm(portal, client, path, queries, headers=headers)
    plumbing.clear()
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, path
    return plumbing


@pytest.mark.parametrize("path", ["/", "/tickets"])
async def test_core_signed_in_pages_take_one_connection_and_one_transaction(
    portal, make_tenant, tenant_client, queries, plumbing, path
):
    tenant = await make_tenant("acme")
    raw = await _signed_in_cookie(portal, tenant.id)
    await _add_tickets(portal, tenant.id, 3)
    cookie = {"Cookie": f"portique_session={raw}"}
    seen = await _measure(portal, tenant_client("acme"), path, plumbing, queries, cookie)
    assert seen.statements, "the page reads the session"
    assert (seen.checkouts, seen.begins) == (1, 1), seen.statements
    assert seen.writes() == []


@pytest.mark.parametrize("plugin", ["lumen_ecommerce", "videotron_business", "omicron_registration", "luminus_energy"])
async def test_every_provider_page_takes_one_connection_and_writes_nothing(
    portal, tenant_client, queries, plumbing, plugin
):
    tenant, accounts = await demo_tenant(portal, plugin)
    raw, paths = await _sign_in(portal, tenant, accounts)
    client = tenant_client(tenant)
    cookie = {"Cookie": f"portique_session={raw}"}
    measured = {}
    for path in paths:
        seen = await _measure(portal, client, path, plumbing, queries, cookie)
        measured[path] = (seen.checkouts, seen.begins, len(seen.writes()))
    assert {(plugin, p) for p in measured} <= set(BUDGETS)
    over = {path: m for path, m in measured.items() if m != (1, 1, 0)}
    assert not over, over  # path: (connections, transactions, writes)


async def _fail_after_writing(portal: Portal, tenant_id: int) -> None:
    async with portal.database.request_session(tenant_id) as db:
        db.add(Account(number="LOST-2", name="Failed"))
        await db.flush()
        raise RuntimeError("the page failed")


async def test_a_use_detaches_what_it_loaded_and_rolls_back_what_it_did_not_commit(portal, make_tenant):
    tenant = await make_tenant("acme")
    unit = portal.database.request_unit(tenant.id)
    token = bind_unit(unit)
    try:
        async with portal.database.request_session(tenant.id) as db:
            db.add(Account(number="KEPT-1", name="Committed"))
            await db.commit()
            kept = await db.scalar(select(Account).where(Account.number == "KEPT-1"))
        async with portal.database.request_session(tenant.id) as db:
            db.add(Account(number="LOST-1", name="Never committed"))
            await db.flush()
        with pytest.raises(RuntimeError):
            await _fail_after_writing(portal, tenant.id)
        async with portal.database.request_session(tenant.id) as db:
            await db.commit()  # commits nothing left over by the uses above
            numbers = set(await db.scalars(select(Account.number)))
        assert kept is not None
        assert kept.name == "Committed"  # detached, still readable
        assert unit.opened == 1
    finally:
        await unit.close()
        unbind_unit(token)
    assert numbers == {"KEPT-1"}
    async with portal.database.session(tenant.id) as db:
        assert set(await db.scalars(select(Account.number))) == {"KEPT-1"}


async def test_a_use_inside_another_gets_a_session_of_its_own(portal, make_tenant):
    tenant = await make_tenant("acme")
    unit = portal.database.request_unit(tenant.id)
    token = bind_unit(unit)
    try:
        async with portal.database.request_session(tenant.id) as outer:
            async with portal.database.request_session(tenant.id) as inner:
                assert inner is not outer
                assert await inner.scalar(select(func.count()).select_from(Account)) == 0
            outer.add(Account(number="OUTER-1", name="Outer"))
            await outer.commit()
        async with portal.database.request_session(tenant.id) as again:
            assert again is outer  # sequential uses share it
        async with portal.database.request_session(None) as other_scope:
            assert other_scope is not outer  # another tenant scope never shares it
    finally:
        await unit.close()
        unbind_unit(token)
    assert unit.opened == 1


def test_a_unit_is_per_database_and_tenant(portal: Portal) -> None:
    unit = portal.database.request_unit(7)
    assert isinstance(unit, RequestUnit)
    assert (unit.tenant_id, unit.database, unit.opened) == (7, portal.database, 0)
