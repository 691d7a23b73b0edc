"""The consent page: the documents whose new version the signed-in customer has not accepted, and a button."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from core.consent.gate import remember_accepted, versions_key
from core.consent.records import PROMPT, record_acceptance, unaccepted
from core.i18n import gettext as _
from core.portal import get_portal
from core.web.flow import flash
from core.web.redirects import redirect, safe_next
from core.web.rendering import render


async def consent_page(request: Request) -> Response:
    """``/consent``: GET lists what is to accept; POST records the acceptance and goes on to ``next``.

    The caller (the identity plugin's route) has checked that a customer is signed in.
    """
    tenant = request.state.tenant
    user_id: int = request.state.session.user_id
    form = await request.form() if request.method == "POST" else None
    target = safe_next(str(form.get("next", "")) if form else request.query_params.get("next"), "/")
    if target.startswith("/consent"):
        target = "/"
    async with get_portal().database.request_session(tenant.id) as db:
        due = await unaccepted(db, tenant, user_id)
        if form is not None and due:
            record_acceptance(db, tenant, user_id, due, via=PROMPT, request=request)
            await db.commit()
            flash(request, _("Thank you: your acceptance has been recorded."), "success")
            due = []
    if not due:
        remember_accepted(request, versions_key(tenant))
        return redirect(request, target)
    return await render(request, "consent/accept.html", {"documents": due, "next": target})
