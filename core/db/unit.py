"""One unit of work per request: a database session opened on first use and shared by the page.

The session store's load, the signed-in user, the page, its widgets and helpers each ask for a
session with :meth:`Database.request_session <core.db.engine.Database.request_session>`. During a
request they get the same one, one use after the other: one connection taken from the pool, one
transaction, one rollback when the response starts, instead of one of each per use.

Each use ends as closing a session of its own would: what it loaded is detached (so nothing loaded
earlier can expire under a later use) and what it wrote without committing is rolled back. A use
that starts while another one is open (widgets gathered concurrently, a helper called inside a
page's block) gets a session of its own, as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

WROTE = "portique_unit_wrote"  # session.info key: something was written and not yet committed or rolled back

_current: ContextVar[RequestUnit | None] = ContextVar("portique_request_unit", default=None)


@event.listens_for(Session, "after_flush")
def _wrote_by_flush(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _wrote_by_statement(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _settled(session: Session) -> None:
    session.info.pop(WROTE, None)


class RequestUnit:
    """The request's shared session, for one tenant (``None``: operator-wide), opened lazily."""

    def __init__(self, open_session: Callable[[], AsyncSession], tenant_id: int | None, database: object) -> None:
        self._open_session = open_session
        self.tenant_id = tenant_id
        self.database = database  # whose sessions these are
        self._session: AsyncSession | None = None
        self._in_use = False
        self.opened = 0  # sessions opened for this request (tests and the bench read it)

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AsyncSession | None]:
        """The shared session, or ``None`` when another use holds it (the caller opens its own)."""
        if self._in_use:
            yield None
            return
        self._in_use = True
        if self._session is None:
            self._session = self._open_session()
            self.opened += 1
        session = self._session
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            if session.info.get(WROTE):
                await session.rollback()  # written, never committed: as closing its own session would
        finally:
            session.expunge_all()
            self._in_use = False

    async def close(self) -> None:
        """Roll back and return the connection to the pool (the next use opens a new session)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def current_unit() -> RequestUnit | None:
    """The unit of work of the request being served, if any."""
    return _current.get()


def bind_unit(unit: RequestUnit | None) -> Token[RequestUnit | None]:
    """Make ``unit`` the current request's (undo with :func:`unbind_unit`)."""
    return _current.set(unit)


def unbind_unit(token: Token[RequestUnit | None]) -> None:
    """Forget the unit bound by :func:`bind_unit`."""
    _current.reset(token)
