"""The pages of the export: asking for it from the profile, and downloading it from the mail's link."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from core.db.base import utcnow
from core.i18n import gettext as _
from core.identity.current import current_user, login_required
from core.identity.models import User
from core.portal import get_portal
from core.privacy.building import VALID_FOR
from core.privacy.download import hand_over
from core.privacy.requesting import PER_DAY, Refusal, ask_for_export
from core.web.flow import flash, tenant_db
from core.web.redirects import redirect
from core.web.rendering import render


async def _me(request: Request) -> User:
    user = await current_user(request)
    assert user is not None  # login_required
    return user


@login_required
async def request_export(request: Request) -> Response:
    """``/profile/export`` (POST): queue an export of my data; the link comes by mail."""
    me = await _me(request)
    async with tenant_db(request) as db:
        asked = await ask_for_export(db, me, request=request)
        await db.commit()
    if asked.refusal is Refusal.IN_PROGRESS:
        flash(request, _("Your previous export is still being prepared. You will receive an e-mail when it is ready."))
    elif asked.refusal is Refusal.DAILY_LIMIT:
        flash(
            request,
            _("You have asked for %(count)s exports in the last 24 hours. Please try again tomorrow.", count=PER_DAY),
            "warning",
        )
    else:
        flash(
            request,
            _(
                "We are preparing your data. You will receive an e-mail with a download link valid for %(days)s days.",
                days=VALID_FOR.days,
            ),
            "success",
        )
    return redirect(request, "/profile")


@login_required
async def download_export(request: Request) -> Response:
    """``/profile/export/{token}``: the ZIP, once, for the signed-in user the link was sent to."""
    me = await _me(request)
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        handover = await hand_over(get_portal(), db, request.path_params["token"], me, request=request)
        await db.commit()
    if handover.content is None:
        status = 404 if handover.check.problem == "unknown" else 410
        context = {"problem": handover.check.problem}
        return await render(request, "privacy/link_problem.html", context, status_code=status)
    filename = f"{tenant.slug}-data-export-{utcnow():%Y-%m-%d}.zip"
    return Response(
        handover.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
