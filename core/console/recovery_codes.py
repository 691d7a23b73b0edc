"""``/console/recovery-codes``: a staff member's recovery codes, shown once after they are made, and
new ones on request (the current password is required, and wrong ones are throttled)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from core.audit.service import record as audit
from core.console.auth import current_staff
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.identity.pages import throttled
from core.identity.passwords import verify_password
from core.identity.recovery import FEW_LEFT
from core.identity.throttle import LOGIN_PER_ACCOUNT, Bucket, get_throttle
from core.portal import get_portal
from core.staff.models import Staff
from core.staff.recovery import codes_left, issue_codes
from core.web.forms import PortiqueForm
from core.web.redirects import redirect, safe_next
from core.web.rendering import prefixed, render

SHOW_KEY = "console:recovery_codes_new"  # session key: codes just made, shown once


class StaffRegenerateForm(PortiqueForm):
    """New recovery codes: the current password is required."""

    current_password = PasswordField(
        _l("Current password"), [InputRequired(message=_l("Enter your current password.")), Length(max=200)]
    )


def show_once(request: Request, codes: list[str]) -> None:
    """Keep ``codes`` in the session for the next visit of the page (and that one only)."""
    request.state.session.set(SHOW_KEY, codes)


async def recovery_codes(request: Request) -> Response:
    """The page (behind ``staff_required``): the new codes once, how many are left, and making new ones."""
    me = await current_staff(request)
    assert me is not None
    target = safe_next(request.query_params.get("next"), prefixed(request, "/console"))
    form = await StaffRegenerateForm.from_request(request)
    async with get_portal().database.session() as db:
        staff = await db.get(Staff, me.id)
        assert staff is not None
        if not staff.totp_secret:
            return redirect(request, "/console")
        if request.method == "POST" and form.validate():
            bucket = Bucket(LOGIN_PER_ACCOUNT, ("staff-reauth", str(staff.id)))
            wait = await get_throttle().retry_after(bucket)
            if wait:
                return await throttled(request, wait)
            if await verify_password(staff.password_hash, form.current_password.data):
                show_once(request, await issue_codes(db, staff))
                audit(
                    db,
                    "console.recovery_codes_regenerated",
                    request=request,
                    actor_type="staff",
                    actor_id=staff.id,
                    subject_type="staff",
                    subject_id=staff.id,
                )
                await db.commit()
                return redirect(request, "/console/recovery-codes")
            await get_throttle().hit(bucket)
            form.current_password.errors = [_("The current password is incorrect.")]
        left = await codes_left(db, staff)
    form.current_password.data = ""
    codes = request.state.session.pop(SHOW_KEY) or []
    context = {"form": form, "codes": codes, "left": left, "few": FEW_LEFT, "target": target}
    return await render(
        request, "console/recovery_codes.html", context, status_code=400 if request.method == "POST" else 200
    )
