"""On PostgreSQL a transaction begins at the first statement that needs one, never for plain reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from core.db.postgres_driver import _PLAIN_READ
from core.ticketing.models import TicketCounter


@pytest.mark.parametrize(
    ("sql", "plain"),
    [
        ("SELECT 1", True),
        ("  select tickets.id FROM tickets WHERE tickets.tenant_id = $1", True),
        ("SELECT counters.value FROM counters WHERE counters.year = $1 FOR UPDATE", False),
        ("SELECT id FROM outbox FOR UPDATE OF outbox SKIP LOCKED", False),
        ("SELECT id FROM t FOR NO KEY UPDATE", False),
        ("SELECT id FROM t\nFOR SHARE", False),
        ("SELECT id FROM t FOR KEY SHARE", False),
        ("INSERT INTO t (a) VALUES ($1)", False),
        ("WITH moved AS (DELETE FROM t RETURNING *) SELECT * FROM moved", False),
        ("UPDATE t SET a = 1", False),
    ],
)
def test_which_statements_read_without_a_transaction(sql, plain):
    assert bool(_PLAIN_READ.match(sql)) is plain


@pytest.fixture
def postgres(portal):
    if portal.database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL pass only (PORTIQUE_TEST_POSTGRES_URL)")
    return portal.database


async def _in_transaction(session) -> bool:
    raw = await (await session.connection()).get_raw_connection()
    return raw.driver_connection.is_in_transaction()


async def test_reads_run_without_begin_and_a_write_begins_the_transaction(postgres):
    async with postgres.session() as session:
        assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
        assert not await _in_transaction(session)
        await session.execute(text("CREATE TEMPORARY TABLE lazy_begin (a int)"))
        assert await _in_transaction(session)
        await session.execute(text("INSERT INTO lazy_begin VALUES (1)"))
        assert (await session.execute(text("SELECT count(*) FROM lazy_begin"))).scalar_one() == 1
        await session.rollback()
        assert not await _in_transaction(session)
        with pytest.raises(Exception, match="lazy_begin"):
            await session.execute(text("SELECT count(*) FROM lazy_begin"))  # the rollback undid the table


async def test_a_locking_read_begins_the_transaction(postgres):
    async with postgres.session() as session:
        await session.scalar(select(TicketCounter).with_for_update())
        assert await _in_transaction(session)


async def test_repeatable_read_keeps_every_read_in_the_transaction(postgres):
    async with postgres.session() as session:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        await session.execute(text("SELECT 1"))
        assert await _in_transaction(session)
