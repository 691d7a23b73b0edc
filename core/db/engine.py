"""Engine and session factories, with automatic tenant scoping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption
from sqlalchemy.sql.base import Executable

from core.db.base import TenantOwned
from core.db.pool import FairQueuePool
from core.db.sqlite_driver import inline_reads_connector
from core.db.unit import RequestUnit, current_unit

TENANT_KEY = "tenant_id"
# Execution option of a statement that filters every tenant-owned table on its tenant itself (the session
# store's load): the session's automatic criteria would only cost their cache-key work on each run.
TENANT_FILTERED = "portique_tenant_filtered"


def display_url(url: str) -> str:
    """The database URL with its password masked, for start-up lines and error messages."""
    return make_url(url).render_as_string(hide_password=True)


def _enable_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _skip_idle_rollbacks(engine: AsyncEngine) -> None:
    """Roll back a SQLite connection only when it is in a transaction.

    SQLite's driver begins a transaction before the first write only: after a page that read, the
    rollback that closes its session has nothing to undo, yet would cost a hop to the driver's thread.
    """
    dialect = engine.sync_engine.dialect
    rollback = dialect.do_rollback

    def do_rollback(dbapi_connection: Any) -> None:
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is None or getattr(driver, "in_transaction", True):
            rollback(dbapi_connection)

    dialect.do_rollback = do_rollback  # type: ignore[method-assign]


TENANT_PARAMETER = "portique_tenant_id"
"""The bound parameter of the tenant criteria: every scoped execution is given the session's tenant under it."""


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(TENANT_FILTERED):
        return
    state.statement = _scoped(state.statement)
    state.parameters = _with_tenant(state.parameters, tenant_id)


def _with_tenant(parameters: Any, tenant_id: int) -> dict[str, Any]:
    """The execution's parameters with the tenant of the criteria added.

    Several parameter sets mean SQLAlchemy's bulk UPDATE (or DELETE) by primary key, which takes no
    criteria at all: on a tenant's session it would write other tenants' rows, so it is refused.
    """
    if parameters is None:
        return {TENANT_PARAMETER: tenant_id}
    if isinstance(parameters, Mapping):
        return {**parameters, TENANT_PARAMETER: tenant_id}
    raise PermissionError(
        "a bulk UPDATE or DELETE by primary key (a list of parameter sets) is not limited to the session's "
        "tenant: change the rows through the session, or with a WHERE clause"
    )


# Every tenant-owned table of a statement (joins, subqueries, aliases, and the relationship loads it
# triggers) limited to the tenant bound as ``portique_tenant_id``. One option for every tenant: the
# value is a parameter of each execution, not a value captured in the option, so a statement's
# compiled form and cache key are the same whatever the tenant. An execution that lacks the
# parameter fails ("a value is required for bind parameter"): it can never read another tenant.
# The name is spelled out in the lambda: SQLAlchemy would track a global it names as a bound value.
_TENANT_CRITERIA: LoaderCriteriaOption = with_loader_criteria(
    TenantOwned,
    lambda cls: cls.tenant_id == bindparam("portique_tenant_id"),
    include_aliases=True,
)


@lru_cache(maxsize=1024)
def _scoped(statement: Executable) -> Executable:
    """``statement`` limited to the tenant of each execution: the same object each time for the same statement.

    SQLAlchemy memoizes a statement's cache key on the statement object. The pages' statements are built
    once (module constants): handing back the same scoped copy spares copying the statement and walking
    the copy for its key on every execution. Statements hash and compare by identity, and a cached entry
    holds its statement, so an ``id`` is never mistaken for another's.
    """
    return statement.options(_TENANT_CRITERIA)


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, _context: Any, _instances: Any) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            current = getattr(obj, "tenant_id", None)
            if current is None and tenant_id is not None:
                obj.tenant_id = tenant_id
            elif tenant_id is not None and current != tenant_id:
                raise PermissionError("a row of another tenant cannot be written in this session")


class Database:
    """One engine per process, and sessions that are either tenant-scoped or operator-wide."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        # Sessions and connections roll back when they close; a second reset by the pool would cost
        # one more round trip (one more thread hop on SQLite) per session.
        kwargs: dict[str, Any] = {"echo": echo, "pool_reset_on_return": None}
        if ":memory:" not in url:  # an in-memory SQLite database keeps its one connection (StaticPool)
            kwargs["poolclass"] = FairQueuePool
        if url.startswith("postgresql"):
            from core.db.postgres_driver import LazyBeginDbapi  # its dialect's modules load only for PostgreSQL

            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=False, module=LazyBeginDbapi())
        elif url.startswith("sqlite"):
            kwargs["async_creator"] = inline_reads_connector(url)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _enable_sqlite_pragmas(self.engine)
            _skip_idle_rollbacks(self.engine)
        self._factory = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sync_engine(self) -> Engine:
        """The underlying synchronous engine (for event listeners such as query counters)."""
        return self.engine.sync_engine

    def _new_session(self, tenant_id: int | None) -> AsyncSession:
        session = self._factory()
        if tenant_id is not None:
            session.info[TENANT_KEY] = tenant_id
        return session

    @asynccontextmanager
    async def session(self, tenant_id: int | None = None) -> AsyncIterator[AsyncSession]:
        """Open a session; with ``tenant_id`` every tenant-owned query is limited to that tenant."""
        async with self._new_session(tenant_id) as session:
            yield session

    def request_unit(self, tenant_id: int | None) -> RequestUnit:
        """A request's unit of work on this database (see :mod:`core.db.unit`)."""
        return RequestUnit(lambda: self._new_session(tenant_id), tenant_id, self)

    @asynccontextmanager
    async def request_session(self, tenant_id: int | None = None) -> AsyncIterator[AsyncSession]:
        """Like :meth:`session`, but during a request the request's shared session (:mod:`core.db.unit`).

        Use it on request paths that read (and may write and commit) like a session of their own.
        """
        unit = current_unit()
        if unit is None or unit.database is not self or unit.tenant_id != tenant_id:
            async with self.session(tenant_id) as session:
                yield session
            return
        async with unit.use() as shared:
            if shared is not None:
                yield shared
                return
        async with self.session(tenant_id) as session:
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
