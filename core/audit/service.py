"""Recording audit events in the transaction of the change they describe."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.models import AuditEvent


def client_ip(request: Request | None) -> str:
    """The client address as seen by the server (uvicorn applies trusted proxy headers)."""
    if request is None or request.client is None:
        return ""
    return request.client.host


def record(
    db: AsyncSession,
    action: str,
    *,
    request: Request | None = None,
    tenant_id: int | None = None,
    actor_type: str = "anonymous",
    actor_id: int | None = None,
    subject_type: str = "",
    subject_id: object = "",
    **data: Any,
) -> AuditEvent:
    """Add an audit event to ``db`` (it commits with the change). Tenant and IP come from ``request``."""
    if tenant_id is None and request is not None:
        tenant = request.scope.get("state", {}).get("tenant")
        tenant_id = tenant.id if tenant is not None else None
    event = AuditEvent(
        tenant_id=tenant_id,
        action=action,
        actor_type=actor_type,
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=str(subject_id or ""),
        ip=client_ip(request),
        user_agent=(request.headers.get("user-agent", "") if request else "")[:300],
        data=data,
    )
    db.add(event)
    return event
