"""A unit of work that loses a race on SQLite ("database is locked") or to a unique constraint is run
again, a bounded number of times; other errors are not retried."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from core.db.retry import ATTEMPTS, is_conflict, retrying
from core.tenancy.models import Tenant


@pytest.fixture
async def tenant(make_tenant):
    return await make_tenant("acme")


@pytest.fixture
def sqlite_lock(portal):
    """Hold SQLite's write lock from another connection (``BEGIN IMMEDIATE``) until released; the
    portal's connections wait 50 ms for it instead of 5 s."""
    if portal.database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")

    @event.listens_for(portal.database.sync_engine, "connect")
    def _short_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    holder = sqlite3.connect(portal.settings.database_url.split("///", 1)[1], isolation_level=None)
    yield holder
    holder.close()
    event.remove(portal.database.sync_engine, "connect", _short_wait)


async def _rename(portal, tenant_id: int, name: str) -> None:
    async with portal.database.session() as db:
        await db.execute(update(Tenant).where(Tenant.id == tenant_id).values(name=name))
        await db.commit()


async def test_a_locked_sqlite_database_is_waited_for_by_running_the_unit_of_work_again(portal, tenant, sqlite_lock):
    await portal.database.engine.dispose()  # new connections, with the short wait
    sqlite_lock.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError) as locked:
        await _rename(portal, tenant.id, "Refused")
    assert is_conflict(locked.value), locked.value

    runs = 0

    @retrying
    async def unit_of_work() -> None:
        nonlocal runs
        runs += 1
        await _rename(portal, tenant.id, "Retried")

    asyncio.get_running_loop().call_later(0.12, sqlite_lock.execute, "ROLLBACK")
    await unit_of_work()
    assert runs >= 2
    async with portal.database.session() as db:
        assert await db.scalar(select(Tenant.name).where(Tenant.id == tenant.id)) == "Retried"


async def test_a_page_whose_database_is_locked_answers_once_it_is_free(app, portal, omicron_bare, sqlite_lock):
    """A ticket sent while another process holds the write lock: the page's write is refused, the
    lock is then released, and the page runs again and answers like any other (303)."""
    from tests.core.identity.identity_helpers import csrf_of

    await portal.database.engine.dispose()
    path = "/support/new/omicron_no_confirmation"
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://omicron.localhost") as client:
        token = csrf_of((await client.get(path)).text)
        sqlite_lock.execute("BEGIN IMMEDIATE")
        refusals = []

        @event.listens_for(portal.database.sync_engine, "handle_error")
        def _release_after_the_first_refusal(context):
            refusals.append(str(context.original_exception))
            if len(refusals) == 1:
                sqlite_lock.execute("ROLLBACK")  # the other process is done: the page may write now

        response = await client.post(
            path,
            data={
                "csrf_token": token,
                "email": "visitor@example.com",
                "name": "Vi Sitor",
                "subject": "No mail",
                "description": "The confirmation mail never came.",
                "f_registration_email": "visitor@example.com",
            },
        )
    event.remove(portal.database.sync_engine, "handle_error", _release_after_the_first_refusal)
    assert refusals
    assert "locked" in refusals[0]
    assert (response.status_code, response.headers.get("location")) == (303, "/support/sent")


_COLUMNS = (
    "slug, name, hostnames, plugins, theme, locales, default_locale, timezone, country, settings, enabled, "
    "ticket_prefix, created_at, updated_at"
)


async def _insert_duplicate(portal, tenant_id: int) -> None:
    """Insert a copy of the tenant's row: its slug is taken."""
    async with portal.database.session() as db:
        statement = f"INSERT INTO tenants ({_COLUMNS}) SELECT {_COLUMNS} FROM tenants WHERE id = :id"  # noqa: S608
        await db.execute(text(statement), {"id": tenant_id})


async def test_unique_violations_are_conflicts_other_integrity_errors_are_not(portal, tenant):
    with pytest.raises(IntegrityError) as duplicate:
        await _insert_duplicate(portal, tenant.id)
    assert is_conflict(duplicate.value)
    with pytest.raises(IntegrityError) as missing:
        async with portal.database.session() as db:
            await db.execute(text("INSERT INTO tenants (slug) VALUES (NULL)"))
    assert not is_conflict(missing.value)


async def test_retries_are_bounded(portal, tenant):
    runs = 0

    @retrying
    async def always_duplicate() -> None:
        nonlocal runs
        runs += 1
        await _insert_duplicate(portal, tenant.id)

    with pytest.raises(IntegrityError):
        await asyncio.wait_for(always_duplicate(), timeout=30)
    assert runs == ATTEMPTS
