"""SQLite reads are answered on the event loop's thread; writes, and whatever waits for a lock, are not."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text

from core.db.engine import Database


@pytest.fixture
async def database(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
        await conn.execute(text("INSERT INTO notes (body) VALUES ('first'), ('second')"))
    yield db
    await db.dispose()


async def _thread_of(session) -> int:
    """The thread that ran the statement (a SQL function that reports it)."""
    raw = await session.connection()
    driver = (await raw.get_raw_connection()).driver_connection
    await driver.create_function("thread_id", 0, threading.get_ident)
    return (await session.execute(text("SELECT thread_id()"))).scalar_one()


async def test_a_read_outside_a_write_runs_on_the_loop_thread(database):
    async with database.session() as session:
        assert await _thread_of(session) == threading.get_ident()
        rows = (await session.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    assert rows == ["first", "second"]


async def test_inside_a_write_transaction_every_call_goes_to_the_connection_thread(database):
    async with database.session() as session:
        await session.execute(text("INSERT INTO notes (body) VALUES ('third')"))
        assert await _thread_of(session) != threading.get_ident()
        assert (await session.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 3
        await session.commit()
        assert await _thread_of(session) == threading.get_ident()


async def test_a_writer_waiting_for_the_lock_does_not_stop_the_one_holding_it(database):
    """Were the second INSERT run on the loop, its busy wait would keep the first from committing."""
    holding, waiting_started = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with database.session() as session:
            await session.execute(text("INSERT INTO notes (body) VALUES ('held')"))
            holding.set()
            await waiting_started.wait()
            await asyncio.sleep(0.2)  # the second writer is now in SQLite's busy wait
            await session.commit()

    async def second() -> None:
        await holding.wait()
        async with database.session() as session:
            waiting_started.set()
            await session.execute(text("INSERT INTO notes (body) VALUES ('after')"))
            await session.commit()

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=4)  # busy_timeout is 5 s
    async with database.session() as session:
        bodies = (await session.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    assert bodies == ["first", "second", "held", "after"]


async def test_a_failing_read_raises_the_drivers_error(database):
    from sqlalchemy.exc import OperationalError

    async with database.session() as session:
        with pytest.raises(OperationalError, match="no such table"):
            await session.execute(text("SELECT * FROM missing"))
