"""Retrying a unit of work that lost a race with another one.

Two submissions of the same form at the same moment both find no row, then both insert it: the
second insert breaks a unique constraint. On SQLite, a transaction that read before another one
wrote cannot write any more ("database is locked", however long ``busy_timeout`` is); on
PostgreSQL a transaction may be chosen as a deadlock's or a serialization failure's victim. In each
case running the unit of work again, from the start, gives the answer it would have had a moment
later: the second registration finds the account the first one created and answers like any
repeated registration, the second ticket takes the next number.

:func:`retry_on_conflict` does this for a page (every tenant and console route is wrapped by the
core), :func:`retrying` for any other coroutine that opens its own unit of work.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("portique.db")

ATTEMPTS = 6  # the first run and five more; the waits between them add up to about 0.6 s at most
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
_UNIQUE_VIOLATION = "23505"
_SQLITE_BUSY = ("database is locked", "database table is locked", "database schema has changed")

P = ParamSpec("P")
T = TypeVar("T")


def _sqlstate(exc: DBAPIError) -> str | None:
    original = exc.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(code) if code else None


def is_conflict(exc: BaseException) -> bool:
    """``exc`` says the unit of work lost a race (and may succeed when run again from the start).

    Unique violations, SQLite's busy and locked errors, PostgreSQL's serialization failures and
    deadlocks are; any other error (a foreign key, a value too long, a broken connection) is not.
    """
    if not isinstance(exc, DBAPIError):
        return False
    code = _sqlstate(exc)
    if isinstance(exc, IntegrityError):
        return code == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(exc.orig)
    if code in _RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return any(text in message for text in _SQLITE_BUSY)


async def _pause(attempt: int) -> None:
    """A short random wait, growing with each attempt, so that the racers do not meet again."""
    await asyncio.sleep(random.uniform(0.005, 0.02 * 2**attempt))


def retrying(function: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Decorate a coroutine function that opens and commits its own unit of work: it is run again
    (at most :data:`ATTEMPTS` times in all) when it loses a race."""

    @functools.wraps(function)
    async def retried(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(ATTEMPTS):
            try:
                return await function(*args, **kwargs)
            except DBAPIError as exc:
                if attempt == ATTEMPTS - 1 or not is_conflict(exc):
                    raise
                log.info("%s lost a race (%s), trying again", function.__qualname__, type(exc.orig).__name__)
            await _pause(attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    return retried


Endpoint = Callable[[Request], Awaitable[Response]]


async def _rewind_uploads(request: Request) -> None:
    """Put every uploaded file of the (already parsed) form back at its start for the next run."""
    content_type = request.headers.get("content-type", "")
    if request.method in ("GET", "HEAD") or not content_type.startswith("multipart/form-data"):
        return
    form = await request.form()  # parsed by the first run: Starlette hands back the same form
    for _name, value in form.multi_items():
        if isinstance(value, UploadFile):
            await value.seek(0)


def retry_on_conflict(endpoint: Endpoint) -> Endpoint:
    """Wrap a page: when its unit of work loses a race, the page runs again from the start.

    The session's changes of the failed run are undone first (the database's are rolled back by
    the failed transaction), and uploaded files are rewound, so the second run sees the request as
    the first did, and the database as it is now.
    """

    @functools.wraps(endpoint)
    async def retried(request: Request) -> Response:
        session = request.state._state.get("session")
        for attempt in range(ATTEMPTS):
            saved: Any = session.checkpoint() if session is not None else None
            try:
                return await endpoint(request)
            except DBAPIError as exc:
                if attempt == ATTEMPTS - 1 or not is_conflict(exc):
                    raise
                log.info("%s %s lost a race (%s), trying again", request.method, request.url.path, exc.orig)
                if session is not None:
                    session.restore(saved)
                await _rewind_uploads(request)
            await _pause(attempt)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    return retried
