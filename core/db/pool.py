"""A connection pool that serves the requests waiting for a connection in the order they came.

SQLAlchemy's asyncio pool queues connections in an ``asyncio.Queue``: a connection given back wakes
the first waiter, but any request that asks before that waiter resumes takes the connection, and the
waiter goes back to the end of the line. Under load (more requests in flight than connections) a few
requests lose that race again and again, and wait seconds while the others are served in
milliseconds. :class:`FairQueuePool` hands a returned connection straight to the oldest waiter; a
connection stays in the queue only while nobody waits, so a newcomer can never jump the line.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import await_
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty


class FairQueue(AsyncAdaptedQueue[Any]):
    """The pool's queue, with a returned connection handed to the oldest waiter."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiters: deque[asyncio.Future[Any]] = deque()

    def put_nowait(self, item: Any) -> None:
        """Give ``item`` to the oldest waiter still waiting, else keep it for the next request."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        super().put_nowait(item)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        """A connection now if one is free, else (``block``) the next one returned, within ``timeout``."""
        try:
            return self.get_nowait()  # free connections exist only while nobody waits
        except Empty:
            if not block:
                raise
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Any] = loop.create_future()
        expired = False

        def expire() -> None:
            nonlocal expired
            if not waiter.done():
                expired = True
                waiter.cancel()

        timer = loop.call_later(timeout, expire) if timeout is not None else None
        self._waiters.append(waiter)
        try:
            return await_(waiter)
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.put_nowait(waiter.result())  # handed over as the request was cancelled: pass it on
            if expired:
                raise Empty() from None
            raise
        finally:
            if timer is not None:
                timer.cancel()


class FairQueuePool(AsyncAdaptedQueuePool):
    """SQLAlchemy's asyncio queue pool, first come first served (pass as ``poolclass``)."""

    _queue_class = FairQueue
