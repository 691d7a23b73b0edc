"""Getting a staff member in: the password chosen from a mailed link, and the authenticator set up at sign-in."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.console.auth import SETUP_KEY, start_staff_session
from core.console.recovery_codes import show_once
from core.console.staff_forms import SetPasswordForm, TwoStepCodeForm
from core.db.base import utcnow
from core.i18n import gettext as _
from core.identity.tokens import TokenProblem
from core.identity.totp import provisioning_uri as totp_uri
from core.portal import get_portal
from core.staff.accounts import StaffError
from core.staff.links import check_link, set_password_with_link
from core.staff.models import Staff
from core.staff.recovery import issue_codes
from core.staff.two_step import finish_setup
from core.web.flow import flash
from core.web.redirects import redirect
from core.web.rendering import prefixed, render


def _link_problem(problem: TokenProblem | None) -> str:
    if problem == TokenProblem.EXPIRED:
        return _("This link has expired. Ask an operator to send you a new one.")
    if problem == TokenProblem.USED:
        return _("This link has already been used. Sign in with your password, or ask an operator for a new link.")
    return _("This link is not valid. Ask an operator to send you a new one.")


async def set_password(request: Request) -> Response:
    """``/console/password/<token>``: choose a password from the link a staff member was mailed."""
    raw = str(request.path_params["token"])
    form = await SetPasswordForm.from_request(request)
    async with get_portal().database.session() as db:
        check = await check_link(db, raw)
        if not check.ok or check.staff is None:
            context = {"problem": _link_problem(check.problem)}
            return await render(request, "console/link_problem.html", context, status_code=400)
        if request.method == "POST" and form.validate():
            try:
                await set_password_with_link(db, raw, form.password.data, request=request)
            except StaffError as exc:
                form.password.errors = [exc.message]
            else:
                await db.commit()
                flash(request, _("Your password is set. Sign in to the console."), "success")
                return redirect(request, "/console/login")
        staff = check.staff
    form.password.data = form.confirm.data = ""
    status = 400 if request.method == "POST" else 200
    return await render(request, "console/set_password.html", {"form": form, "subject": staff}, status_code=status)


async def two_step_setup(request: Request) -> Response:
    """``/console/two-step``: after the password, add the new key to an authenticator and prove it with a code."""
    session = request.state.session
    pending = session.get(SETUP_KEY)
    if not pending or datetime.fromisoformat(pending["until"]) <= utcnow():
        session.pop(SETUP_KEY)
        return redirect(request, "/console/login")
    form = await TwoStepCodeForm.from_request(request)
    async with get_portal().database.session() as db:
        staff = await db.get(Staff, int(pending["staff_id"]))
        if staff is None or not staff.active:
            session.pop(SETUP_KEY)
            return redirect(request, "/console/login")
        if request.method == "POST" and form.validate():
            if finish_setup(db, staff, pending["secret"], form.code.data, request=request):
                session.pop(SETUP_KEY)
                codes = await issue_codes(db, staff)
                # The codes are shown next, or right after the passkey the deployment may require first.
                url = prefixed(request, "/console/recovery-codes") + "?next=" + quote(pending["next"], safe="")
                await start_staff_session(request, db, staff, target=url)
                show_once(request, codes)
                return RedirectResponse(url, status_code=303)
            form.code.errors = [_("This code is not correct. Enter the code your app shows now.")]
    uri = totp_uri(pending["secret"], name=staff.email, issuer="Portique")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "secret": pending["secret"], "uri": uri}
    return await render(request, "console/two_step.html", context, status_code=status)
