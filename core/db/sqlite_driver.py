"""SQLite through aiosqlite, with reads answered on the event loop's thread.

aiosqlite runs every call of a connection on a thread of its own: a ``SELECT`` costs four hand-offs
(cursor, execute, fetch, close), each a queue put, a thread wake-up and a wake-up of the event loop
through its self-pipe, and under load a fight for the GIL. On a local file in WAL mode a read outside a
write transaction never waits for a lock, and answers in microseconds: :class:`InlineReadsConnection`
runs those calls where they are awaited. Anything that may wait for the write lock (a write, a commit,
any call inside a write transaction, ``PRAGMA``, scripts) still goes to the connection's thread, so a
writer waiting for another never blocks the event loop.

The price: a read that scans a large table (an export, an unindexed search) holds the loop while it
runs, where on the thread it would have let other requests go on. The customer pages are paged and
indexed, so their statements take well under a millisecond; a deployment whose data outgrows that runs
on PostgreSQL, whose driver needs no thread at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from sqlalchemy.engine import make_url

_CURSOR_CALLS = frozenset({"fetchone", "fetchmany", "fetchall", "close"})
"""A cursor's calls that never wait for a lock outside a write transaction."""


def _reads(sql: Any) -> bool:
    return isinstance(sql, str) and sql.lstrip()[:6].upper() == "SELECT"


class InlineReadsConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs reads outside a write transaction on the calling thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        connection = self._connection
        if connection is not None and self._running and not connection.in_transaction:
            name, owner = getattr(fn, "__name__", ""), getattr(fn, "__self__", None)
            on_cursor = isinstance(owner, sqlite3.Cursor)
            if (
                (on_cursor and name in _CURSOR_CALLS)
                or (owner is connection and name == "cursor")
                or (name == "execute" and _reads(args[0]))
            ):
                return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]


def inline_reads_connector(url: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """An ``async_creator`` for :func:`sqlalchemy.ext.asyncio.create_async_engine` on the SQLite ``url``.

    The connection takes the arguments SQLAlchemy's aiosqlite dialect derives from the URL, and may be
    used from the event loop's thread as well as from its own (calls on one connection never overlap:
    SQLAlchemy awaits each before the next).
    """
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    kwargs["check_same_thread"] = False

    open_file: Callable[..., sqlite3.Connection] = sqlite3.connect

    async def connect() -> aiosqlite.Connection:
        connection = InlineReadsConnection(lambda: open_file(*args, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy's dialect does: a stray connection never holds exit
        return await connection

    return connect
