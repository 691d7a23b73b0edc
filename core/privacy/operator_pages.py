"""The operators' ``/console/privacy`` page: the deletions (pending and closed) and the exports of their
tenants, and the form that exports a customer's data on request (``operator_export``).

Agents get a 404: privacy requests are the operators' responsibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.console.auth import staff_required
from core.identity.models import User
from core.portal import get_portal
from core.privacy.models import DeletionRequest, ExportRequest
from core.privacy.operator_export import OperatorExportForm, archive_response, customer_of
from core.tenancy.models import Tenant
from core.web.rendering import render

SHOWN = 200
"""The most recent requests of each kind shown."""


@dataclass(frozen=True)
class Row:
    """One request as the page shows it."""

    kind: str  # deletion | export
    id: int
    tenant: Tenant
    user: str
    status: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    outcome: dict[str, object]


async def privacy_requests(request: Request) -> Response:
    """Deletions, then exports, newest first, of the operator's tenants; POST: export a customer's data."""
    visible = request.state.staff_tenants
    async with get_portal().database.session() as db:
        tenants = {
            t.id: t for t in await db.scalars(select(Tenant).where(Tenant.id.in_(visible)).order_by(Tenant.name))
        }
    form = await OperatorExportForm.from_request(request)
    form.offer(list(tenants.values()))
    if request.method == "POST" and form.validate():
        found = await customer_of(form, list(tenants.values()))
        if found is not None:
            return await archive_response(request, *found)
    async with get_portal().database.session() as db:
        deletions = list(
            await db.execute(
                select(DeletionRequest, User.email)
                .join(User, User.id == DeletionRequest.user_id)
                .where(DeletionRequest.tenant_id.in_(visible))
                .order_by(DeletionRequest.id.desc())
                .limit(SHOWN)
            )
        )
        exports = list(
            await db.execute(
                select(ExportRequest, User.email)
                .join(User, User.id == ExportRequest.user_id)
                .where(ExportRequest.tenant_id.in_(visible))
                .order_by(ExportRequest.id.desc())
                .limit(SHOWN)
            )
        )
    rows = [
        Row("deletion", d.id, tenants[d.tenant_id], email, d.status, d.created_at, d.due_at, d.closed_at, d.outcome)
        for d, email in deletions
    ]
    rows += [
        Row("export", e.id, tenants[e.tenant_id], email, e.status, e.created_at, e.expires_at, e.downloaded_at, {})
        for e, email in exports
    ]
    status = 400 if form.errors else 200
    return await render(request, "privacy/operator_requests.html", {"rows": rows, "form": form}, status_code=status)


def routes() -> list[BaseRoute]:
    """The page, on the operator host and under each tenant's ``/console``."""
    return [
        Route(
            "/console/privacy",
            staff_required(privacy_requests, operator=True),
            methods=["GET", "POST"],
            name="console_privacy",
        ),
    ]
