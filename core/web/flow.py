"""Per-request helpers of the page functions: the tenant's database session and the one-time message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.portal import get_portal


@asynccontextmanager
async def tenant_db(request: Request) -> AsyncIterator[AsyncSession]:
    """A database session scoped to the request's tenant (every tenant-owned query is filtered).

    It is the request's unit of work (:mod:`core.db.unit`): commit what you write, as with a session
    of your own; what is left uncommitted is rolled back when the block ends.
    """
    tenant = request.state.tenant
    if tenant is None:
        raise LookupError("tenant_db() needs a tenant request")
    async with get_portal().database.request_session(tenant.id) as session:
        yield session


def flash(request: Request, message: str, kind: str = "info") -> None:
    """Show ``message`` once, on the next page (kinds: info, success, warning, error)."""
    request.state.session.set("flash", {"message": str(message), "kind": kind})
