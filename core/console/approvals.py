"""The approvals queue: accounts waiting for an operator, signed access requests… approve or reject."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.approvals.fields import ApprovalField, payload_fields
from core.approvals.models import ApprovalRequest, ApprovalStatus
from core.audit.service import record as audit
from core.console.language import tenant_words
from core.db.base import utcnow
from core.i18n import gettext as _
from core.identity.models import User
from core.plugins import resolve_one
from core.portal import get_portal
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.web.flow import flash
from core.web.redirects import redirect
from core.web.rendering import render

PAGE_SIZE = 100


async def notify_plugin(db: AsyncSession, tenant: Tenant, approval: ApprovalRequest) -> None:
    """Tell the plugin that filed the request about the decision (``portique_approval_decided``)."""
    plugins = get_portal().plugins
    if approval.plugin not in plugins.enabled_names(tenant):
        return
    await resolve_one(
        plugins.call_plugin(approval.plugin, "portique_approval_decided", tenant=tenant, approval=approval, db=db)
    )


def approval_card(tenant: Tenant, approval: ApprovalRequest) -> list[dict[str, Any]]:
    """The fields of an approval card, labels translated by the filing plugin's catalogue.

    The plugin that filed the request describes it (``portique_approval_fields``); otherwise the
    payload is shown as it is.
    """
    plugins = get_portal().plugins
    with tenant_words(tenant):
        fields: list[ApprovalField] | None = None
        if approval.plugin in plugins.enabled_names(tenant):
            fields = plugins.call_plugin(approval.plugin, "portique_approval_fields", tenant=tenant, approval=approval)
        if fields is None:
            fields = payload_fields(approval.payload)
        return [
            {
                "label": str(field.label),
                "value": field.value,
                "kind": field.kind,
                "link_text": str(field.link_text or field.value),
            }
            for field in fields
            if field.kind != "link" or str(field.value).startswith(("https://", "http://"))
        ]


async def decide(
    db: AsyncSession,
    tenant: Tenant,
    approval: ApprovalRequest,
    staff: Staff,
    *,
    approve: bool,
    reason: str,
    request: Request | None = None,
) -> None:
    """Record the decision, let the plugin act on it (activate, mail…), audit it; the caller commits."""
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.reason = reason
    approval.decided_by = staff.id
    approval.decided_at = utcnow()
    await db.flush()
    await notify_plugin(db, tenant, approval)
    audit(
        db,
        "approval.approved" if approve else "approval.rejected",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="approval",
        subject_id=approval.id,
        kind=approval.kind,
        plugin=approval.plugin,
        user_id=approval.user_id,
        reason=reason,
    )


async def approvals(request: Request) -> Response:
    """Pending requests of the tenants the operator sees, oldest first."""
    async with get_portal().database.session() as db:
        rows = list(
            await db.execute(
                select(ApprovalRequest, Tenant, User)
                .join(Tenant, Tenant.id == ApprovalRequest.tenant_id)
                .outerjoin(User, User.id == ApprovalRequest.user_id)
                .where(
                    ApprovalRequest.tenant_id.in_(request.state.staff_tenants),
                    ApprovalRequest.status == ApprovalStatus.PENDING,
                )
                .order_by(ApprovalRequest.created_at, ApprovalRequest.id)
                .limit(PAGE_SIZE)
            )
        )
    cards = [(approval, tenant, user, approval_card(tenant, approval)) for approval, tenant, user in rows]
    return await render(request, "console/approvals.html", {"rows": cards, "errors": {}, "reasons": {}})


async def decide_page(request: Request) -> Response:
    """POST ``decision=approve|reject`` (and ``reason``, required to reject) on one request."""
    staff: Staff = request.state.staff
    approval_id = int(request.path_params["approval_id"])
    form = await request.form()
    decision = form.get("decision")
    reason = str(form.get("reason") or "").strip()[:2000]
    if decision not in ("approve", "reject"):
        raise HTTPException(status_code=400)
    async with get_portal().database.session() as db:
        found = await db.get(ApprovalRequest, approval_id)
        tenant_id = found.tenant_id if found is not None else None
    if found is None or tenant_id not in request.state.staff_tenants:
        raise HTTPException(status_code=404)
    if decision == "reject" and not reason:
        flash(request, _("Give the reason of the refusal: the customer receives it."), "error")
        return redirect(request, "/console/approvals")
    async with get_portal().database.session(tenant_id) as db:
        approval = await db.get(ApprovalRequest, approval_id)
        tenant = await db.get(Tenant, tenant_id)
        if approval is None or tenant is None:
            raise HTTPException(status_code=404)
        if approval.status != ApprovalStatus.PENDING:
            flash(request, _("This request was already decided."), "warning")
            return redirect(request, "/console/approvals")
        await decide(db, tenant, approval, staff, approve=decision == "approve", reason=reason, request=request)
        await db.commit()
    flash(request, _("Request approved.") if decision == "approve" else _("Request rejected."), "success")
    return redirect(request, "/console/approvals")
