"""Operator pages of a tenant's console: the OIDC clients (list, register, disable)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.audit.service import record as audit
from core.i18n import gettext as _
from core.oidc.clients import client_problems, register_client
from core.oidc.models import OidcClient
from core.oidc.provider import issuer_of
from core.portal import get_portal
from core.staff.models import Staff
from core.web.flow import flash
from core.web.redirects import redirect
from core.web.rendering import render

EMPTY_FORM: dict[str, object] = {
    "name": "",
    "redirect_uris": "",
    "logout_uris": "",
    "confidential": True,
    "first_party": False,
}


def _lines(value: object) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


async def clients(request: Request) -> Response:
    """The tenant's clients, and the form that registers one (a new secret is shown once)."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)  # clients belong to a tenant: its own /console
    staff: Staff = request.state.staff
    errors: dict[str, str] = {}
    values = EMPTY_FORM
    created = None
    async with get_portal().database.session(tenant.id) as db:
        if request.method == "POST":
            form = await request.form()
            values = {
                "name": str(form.get("name") or "").strip(),
                "redirect_uris": str(form.get("redirect_uris") or ""),
                "logout_uris": str(form.get("logout_uris") or ""),
                "confidential": form.get("kind") != "public",
                "first_party": form.get("first_party") == "1",
            }
            uris = _lines(values["redirect_uris"])
            logout_uris = _lines(values["logout_uris"])
            errors = client_problems(str(values["name"]), uris, logout_uris)
            if not errors:
                created = await register_client(
                    db,
                    name=str(values["name"]),
                    redirect_uris=uris,
                    confidential=bool(values["confidential"]),
                    first_party=bool(values["first_party"]),
                    post_logout_redirect_uris=logout_uris,
                )
                audit(
                    db,
                    "oidc.client_registered",
                    request=request,
                    actor_type="staff",
                    actor_id=staff.id,
                    subject_type="oidc_client",
                    subject_id=created.client.client_id,
                    first_party=created.client.first_party,
                    public=created.client.is_public,
                )
                await db.commit()
                values = EMPTY_FORM
        rows = list(await db.scalars(select(OidcClient).order_by(OidcClient.name)))
    return await render(
        request,
        "oidc/console_clients.html",
        {"rows": rows, "values": values, "errors": errors, "created": created, "issuer": issuer_of(tenant)},
        status_code=400 if errors else 200,
    )


async def client_toggle(request: Request) -> Response:
    """Disable or enable a client (a disabled client gets no new code or token)."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    staff: Staff = request.state.staff
    async with get_portal().database.session(tenant.id) as db:
        client = await db.get(OidcClient, request.path_params["client_pk"])
        if client is None:
            raise HTTPException(status_code=404)
        client.enabled = not client.enabled
        audit(
            db,
            "oidc.client_enabled" if client.enabled else "oidc.client_disabled",
            request=request,
            actor_type="staff",
            actor_id=staff.id,
            subject_type="oidc_client",
            subject_id=client.client_id,
        )
        await db.commit()
    flash(request, _("Client saved."), "success")
    return redirect(request, "/console/oidc/clients")
