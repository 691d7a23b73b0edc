"""Requests waiting for a database connection are served in the order they came, none starves."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty

from core.db.pool import FairQueue, FairQueuePool


def _engine(tmp_path, poolclass, **pool):
    return create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}", poolclass=poolclass, pool_size=1, max_overflow=0, **pool
    )


async def _newcomer_takes_a_returned_connection(queue) -> bool:
    """Whether a request that asks now takes a connection just handed back while another one waits."""
    waiting = asyncio.create_task(greenlet_spawn(queue.get, True, 5))
    await asyncio.sleep(0)  # the waiter now waits for a connection
    queue.put_nowait("connection")
    try:
        queue.get(block=False)  # a newcomer, before the waiter resumes
        took = True
    except Empty:
        took = False
    if took:
        queue.put_nowait("connection")
    assert await asyncio.wait_for(waiting, timeout=2) == "connection"
    return took


async def test_a_returned_connection_goes_to_the_oldest_waiter():
    assert not await _newcomer_takes_a_returned_connection(FairQueue())


async def test_sqlalchemys_queue_lets_a_newcomer_jump_the_line():
    """What the fair queue is for: with the stock one, a waiter can lose every such race."""
    assert await _newcomer_takes_a_returned_connection(AsyncAdaptedQueue())


async def test_a_waiter_gives_up_after_the_pool_timeout_and_the_connection_is_not_lost(tmp_path):
    engine = _engine(tmp_path, FairQueuePool, pool_timeout=0.1)
    async with engine.connect():
        with pytest.raises(PoolTimeout):
            async with engine.connect():
                pass
    async with engine.connect() as conn:  # the one connection is still there for the next request
        assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    await engine.dispose()


async def test_a_cancelled_waiter_passes_its_connection_on(tmp_path):
    engine = _engine(tmp_path, FairQueuePool)
    holder = await engine.connect()
    cancelled = asyncio.create_task(engine.connect().start())
    after = asyncio.create_task(engine.connect().start())
    await asyncio.sleep(0.01)
    await holder.close()  # handed to the first waiter...
    cancelled.cancel()  # ...whose request is cancelled before it resumes
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    conn = await asyncio.wait_for(after, timeout=2)
    assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
    await conn.close()
    await engine.dispose()
