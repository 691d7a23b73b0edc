"""Running Authlib for one request: a tenant session, its issuer, the server, then the audit notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.requests import Request

from core.audit.service import record as audit
from core.oidc.context import ProviderContext
from core.oidc.server import TenantAuthorizationServer
from core.portal import get_portal
from core.tenancy.models import Tenant

T = TypeVar("T")


def issuer_of(tenant: Tenant) -> str:
    """The tenant's issuer: its absolute URL (its own hostname, or ``/t/<slug>`` of the public URL)."""
    return get_portal().tenant_url(tenant, "").rstrip("/")


async def run_server(
    request: Request,
    db: AsyncSession,
    body: Callable[[TenantAuthorizationServer], T],
    claims: dict[int, dict[str, Any]] | None = None,
) -> T:
    """Run ``body`` with the tenant's authorization server (synchronously, on ``db``), then audit and commit."""
    tenant: Tenant = request.state.tenant
    holder: list[ProviderContext] = []

    def in_session(sync_db: Session) -> T:
        context = ProviderContext(tenant=tenant, issuer=issuer_of(tenant), db=sync_db, claims=claims or {})
        holder.append(context)
        return body(TenantAuthorizationServer(context))

    answer = await db.run_sync(in_session)
    for note in holder[0].notes:
        audit(
            db,
            note.action,
            request=request,
            actor_type="oidc_client",
            subject_type=note.subject_type,
            subject_id=note.subject_id,
            **note.data,
        )
    await db.commit()
    return answer
