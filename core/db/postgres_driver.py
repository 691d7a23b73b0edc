"""PostgreSQL through asyncpg, with the transaction begun at the first statement that needs one.

SQLAlchemy's asyncpg adapter sends ``BEGIN`` before a connection's first statement and ``ROLLBACK``
when the session closes: a page that only reads pays two round trips for a transaction that protects
nothing. Under PostgreSQL's default isolation (READ COMMITTED) every statement takes a snapshot of
its own, inside a transaction or not, so a plain ``SELECT`` run before the first write sees exactly
what it would have seen inside one. :class:`LazyBeginDbapi` runs those reads without a transaction;
the first other statement (a write, ``SELECT … FOR UPDATE``, anything not a plain read) begins it as
before, and commit and rollback are skipped when nothing was begun. Under another isolation level
(REPEATABLE READ or SERIALIZABLE, where a transaction's reads share one snapshot) every statement is
in the transaction, as SQLAlchemy does it.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_cursor,
    AsyncAdapt_asyncpg_dbapi,
)

_PLAIN_READ = re.compile(r"\s*SELECT\b(?!.*\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY|KEY\s+SHARE)\b)", re.IGNORECASE | re.DOTALL)
"""A ``SELECT`` that takes no row lock."""

_PER_STATEMENT_SNAPSHOTS = (None, "read_committed")
"""Isolation settings under which a statement outside a transaction sees what it would see inside one."""


class _LazyBeginCursor(AsyncAdapt_asyncpg_cursor):
    __slots__ = ()

    async def _prepare_and_execute(self, operation: str, parameters: Any) -> None:  # type: ignore[override]
        connection = self._adapt_connection
        if (
            connection._transaction is not None
            or connection.isolation_level not in _PER_STATEMENT_SNAPSHOTS
            or connection.readonly
            or not _PLAIN_READ.match(operation)
        ):
            return await super()._prepare_and_execute(operation, parameters)  # type: ignore[no-untyped-call,no-any-return]
        level = connection.isolation_level
        connection.isolation_level = "autocommit"  # read without a transaction: no BEGIN
        try:
            return await super()._prepare_and_execute(operation, parameters)  # type: ignore[no-untyped-call,no-any-return]
        finally:
            connection.isolation_level = level


class _LazyBeginConnection(AsyncAdapt_asyncpg_connection):
    __slots__ = ()
    _cursor_cls = _LazyBeginCursor


class LazyBeginDbapi(AsyncAdapt_asyncpg_dbapi):
    """SQLAlchemy's asyncpg adapter whose connections begin a transaction at the first statement needing one.

    Pass an instance as ``module=`` to :func:`sqlalchemy.ext.asyncio.create_async_engine`.
    """

    def __init__(self) -> None:
        import asyncpg

        super().__init__(asyncpg)  # type: ignore[no-untyped-call]

    def connect(self, *args: Any, **kwargs: Any) -> _LazyBeginConnection:
        """A connection as SQLAlchemy's adapter makes it, with the lazy ``BEGIN``."""
        connection = super().connect(*args, **kwargs)  # type: ignore[no-untyped-call]
        connection.__class__ = _LazyBeginConnection  # same slots: only the cursor class differs
        return connection  # type: ignore[no-untyped-call,no-any-return]
