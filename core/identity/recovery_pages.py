"""Customer recovery codes: shown once after turning two-step verification on, regenerated from the
profile with the current password, and typed at the second sign-in step instead of an app code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.identity import recovery
from core.identity.credentials import code_bucket, code_wait
from core.identity.current import login_required
from core.identity.models import RecoveryCode, User, UserStatus
from core.identity.pages import tenant_session, throttled
from core.identity.reauthentication import confirm_current_password
from core.identity.signin import complete_login
from core.identity.throttle import get_throttle
from core.mail.service import queue_mail
from core.web.forms import PortiqueForm
from core.web.redirects import redirect
from core.web.rendering import render

SHOW_KEY = "recovery_codes_new"  # session key: codes just made, shown once on the next page
USED_MAIL = "identity/recovery_code_used"
STEP_TIMEOUT = timedelta(minutes=5)  # as long as the app-code step


class RecoveryCodeForm(PortiqueForm):
    """A recovery code typed at the second sign-in step."""

    code = StringField(
        _l("Recovery code"),
        [InputRequired(message=_l("Enter one of your recovery codes.")), Length(max=20)],
        description=_l("For example: k7m2-x9qp-4d"),
    )


class RegenerateForm(PortiqueForm):
    """New recovery codes: the current password is required."""

    current_password = PasswordField(
        _l("Current password"), [InputRequired(message=_l("Enter your current password.")), Length(max=1024)]
    )


def _scope(user: User) -> str:
    return f"user:{user.tenant_id}:{user.id}"


async def issue_codes(request: Request, db: AsyncSession, user: User) -> None:
    """Replace ``user``'s codes; the new ones wait in the session for :func:`show_codes` (the caller commits)."""
    codes = await recovery.replace_codes(db, RecoveryCode, user.id, _scope(user))
    request.state.session.set(SHOW_KEY, codes)


async def forget_two_step(db: AsyncSession, user: User) -> None:
    """Turn ``user``'s two-step verification off: the app secret and every recovery code go."""
    user.totp_secret = None
    await recovery.delete_codes(db, RecoveryCode, user.id)


async def codes_left(db: AsyncSession, user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    return await recovery.remaining(db, RecoveryCode, user.id)


async def redeem_code(request: Request, db: AsyncSession, user: User, typed: str | None) -> int | None:
    """Burn ``user``'s recovery code ``typed`` at the second sign-in step: the codes left, ``None`` when refused.

    A refused code counts against the account like a wrong app code (one throttle), is audited and
    committed; a used one is audited and mailed to the user (the caller commits with the sign-in).
    """
    tenant = request.state.tenant
    if not await recovery.use_code(db, RecoveryCode, user.id, _scope(user), typed):
        await get_throttle().hit(code_bucket(tenant.id, user.id))
        audit(db, "identity.login_failed", request=request, subject_type="user", subject_id=user.id, step="recovery")
        await db.commit()
        return None
    left = await codes_left(db, user)
    _audit(db, request, user, "identity.recovery_code_used", left=left)
    queue_mail(db, tenant, user.email, USED_MAIL, {"user": user, "left": left}, locale=user.locale)
    return left


@login_required
async def show_codes(request: Request) -> Response:
    """``/profile/recovery-codes``: the codes just made (once), the count left, and making new ones."""
    async with tenant_session(request) as db:
        me = await db.get(User, request.state.session.user_id)
        if me is None or not me.totp_secret:
            return redirect(request, "/profile/totp")
        form = await RegenerateForm.from_request(request)
        if request.method == "POST" and form.validate():
            confirmed = await confirm_current_password(request, me, form.current_password)
            if isinstance(confirmed, Response):
                return confirmed
            if confirmed:
                await issue_codes(request, db, me)
                _audit(db, request, me, "identity.recovery_codes_regenerated")
                await db.commit()
                return redirect(request, "/profile/recovery-codes")
        form.current_password.data = ""
        codes = request.state.session.pop(SHOW_KEY) or []
        context = {"form": form, "codes": codes, "left": await codes_left(db, me), "few": recovery.FEW_LEFT}
        status = 400 if request.method == "POST" else 200
        return await render(request, "identity/recovery_codes.html", context, status_code=status)


async def login_recovery(request: Request) -> Response:
    """``/login/recovery``: the second sign-in step with a recovery code instead of an app code."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    session = request.state.session
    pending = session.get("totp_pending")
    if not pending or utcnow() - datetime.fromisoformat(pending["at"]) > STEP_TIMEOUT:
        session.pop("totp_pending")
        return redirect(request, "/login")
    form = await RecoveryCodeForm.from_request(request)
    if request.method == "GET" or not form.validate():
        return await render(request, "identity/login_recovery.html", {"form": form})
    wait = await code_wait(tenant.id, int(pending["user_id"]))  # one count with the app codes
    if wait:
        return await throttled(request, wait)
    async with tenant_session(request) as db:
        user = await db.get(User, int(pending["user_id"]))
        if user is None or user.status != UserStatus.ACTIVE or not user.totp_secret:
            session.pop("totp_pending")
            return redirect(request, "/login")
        left = await redeem_code(request, db, user, form.code.data)
        if left is None:
            form.code.errors = [_("This recovery code is not valid or was already used.")]
            return await render(request, "identity/login_recovery.html", {"form": form})
        session.pop("totp_pending")
        await complete_login(request, db, user, remember=bool(pending.get("remember")))
    if user.must_change_password:
        return redirect(request, "/profile/password")
    return redirect(
        request, "/profile/recovery-codes" if left <= recovery.FEW_LEFT else str(pending.get("next") or "/")
    )


def _audit(db: AsyncSession, request: Request, user: User, action: str, **data: Any) -> None:
    audit(
        db,
        action,
        request=request,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        **data,
    )
