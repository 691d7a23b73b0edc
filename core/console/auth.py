"""Staff sign-in for the console (separate from customers), the current staff member and its scope."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.audit.models import AuditEvent
from core.audit.service import client_ip
from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n import gettext as _
from core.i18n import lazy_gettext
from core.identity.totp import new_secret
from core.mail.service import queue_mail
from core.portal import get_portal
from core.staff.accounts import categories_of, check_sign_in, tenant_ids_of
from core.staff.models import Staff
from core.staff.passkey_rule import passkey_required
from core.staff.recovery import codes_left
from core.staff.status import session_ended
from core.staff.two_step import setup_due
from core.web.forms import PortiqueForm
from core.web.redirects import safe_next
from core.web.rendering import prefixed, render

STAFF_LIFETIME = timedelta(hours=10)
STAFF_IDLE = timedelta(minutes=30)
FAILURES_ALLOWED = 5
FAILURE_WINDOW = timedelta(minutes=15)
SETUP_TIME = timedelta(minutes=10)
SETUP_KEY = "console:two_step_setup"
PASSKEY_DUE = "console:passkey_due"  # session key: the deployment requires a passkey, not yet checked
PASSKEY_PAGE = "/console/passkeys"
RECOVERY_MAIL = "console/recovery_code_used"
_MISSING = object()

Handler = Callable[[Request], Awaitable[Response]]


class StaffLoginForm(PortiqueForm):
    """E-mail, password and (for operators) the authenticator code."""

    email = EmailField(lazy_gettext("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])
    code = StringField(
        lazy_gettext("Authenticator code"),
        validators=[Length(max=10)],
        description=lazy_gettext("Six digits from your authenticator app (required for operators)."),
    )
    recovery_code = StringField(
        lazy_gettext("Recovery code"),
        validators=[Length(max=20)],
        description=lazy_gettext("Instead of the authenticator code, when you no longer have the app."),
    )


async def current_staff(request: Request) -> Staff | None:
    """The active staff member signed in on this session, or ``None`` (cached on the request).

    The session of a staff member disabled since it began is signed out.
    """
    cached = request.state._state.get("staff", _MISSING)
    if cached is not _MISSING:
        return cached  # type: ignore[no-any-return]
    staff = None
    session = request.state.session
    if session.staff_id is not None:
        async with get_portal().database.session() as db:
            staff = await db.get(Staff, session.staff_id)
        if staff is None or not staff.active or session_ended(staff, session.record.created_at):
            session.sign_out()
            staff = None
    request.state.staff = staff
    return staff


async def visible_tenant_ids(request: Request, staff: Staff) -> list[int]:
    """Tenants this page may show: on a tenant's ``/console`` only that tenant, if the staff may see it."""
    async with get_portal().database.session() as db:
        allowed = await tenant_ids_of(db, staff)
    tenant = request.state.tenant
    if tenant is not None:
        return [tenant.id] if tenant.id in allowed else []
    return allowed


async def _categories(staff: Staff) -> list[str] | None:
    if staff.is_operator:
        return None
    async with get_portal().database.session() as db:
        return await categories_of(db, staff)


def staff_required(
    handler: Handler, *, operator: bool = False, agent_status: int = 404, passkey_page: bool = False
) -> Handler:
    """Send signed-out visitors to the console sign-in; 404 to staff without access to this tenant.

    With ``operator=True`` agents get ``agent_status`` (404: approvals, users, tenant administration,
    imports…; 403 where the page's existence is no secret, like staff management). The handler finds
    the staff member's tenants in ``request.state.staff_tenants`` and categories (``None``: every
    category) in ``request.state.staff_categories``. While a required passkey is due
    (:data:`PASSKEY_DUE`), every page but the passkey pages (``passkey_page``) sends there.
    """

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        staff = await current_staff(request)
        if staff is None:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(
                prefixed(request, "/console/login") + "?next=" + quote(here, safe=""), status_code=303
            )
        if request.state.session.get(PASSKEY_DUE) and not passkey_page:
            return RedirectResponse(prefixed(request, PASSKEY_PAGE), status_code=303)
        if operator and not staff.is_operator:
            raise HTTPException(status_code=agent_status)
        request.state.staff_tenants = await visible_tenant_ids(request, staff)
        request.state.staff_categories = await _categories(staff)
        if request.state.tenant is not None and not request.state.staff_tenants:
            raise HTTPException(status_code=404)
        return await handler(request)

    return wrapped


async def _recent_failures(email: str) -> int:
    since = utcnow() - FAILURE_WINDOW
    async with get_portal().database.session() as db:
        count = await db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "console.login_failed",
                AuditEvent.subject_id == email[:60],
                AuditEvent.created_at >= since,
            )
        )
    return int(count or 0)


async def start_staff_session(
    request: Request, db: AsyncSession, staff: Staff, *, method: str = "password", target: str = ""
) -> None:
    """Sign ``staff`` in on this session: the last sign-in is recorded and audited (``db`` commits).

    ``method`` says how they proved who they are (``password``: password and code, ``passkey``).
    When the deployment, or a tenant they work on, requires passkeys, one signed in otherwise is due
    to show one (or add one) before reaching ``target``.
    """
    staff.last_login_at = utcnow()
    audit(
        db,
        "console.login",
        request=request,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="staff",
        subject_id=staff.id,
        method=method,
    )
    await db.commit()
    request.state.session.sign_in(
        staff_id=staff.id,
        persistent=False,
        lifetime=STAFF_LIFETIME,
        idle=STAFF_IDLE,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    request.state.staff = staff
    if method != "passkey" and await passkey_required(db, staff):
        request.state.session.set(PASSKEY_DUE, target or prefixed(request, "/console"))


async def recovery_code_used(request: Request, db: AsyncSession, staff: Staff) -> None:
    """A recovery code signed ``staff`` in: audit it and tell them by mail (``db`` commits with the sign-in)."""
    left = await codes_left(db, staff)
    audit(
        db,
        "console.recovery_code_used",
        request=request,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="staff",
        subject_id=staff.id,
        left=left,
    )
    queue_mail(db, None, staff.email, RECOVERY_MAIL, {"staff": staff, "left": left}, locale=staff.locale)


def start_two_step_setup(request: Request, staff: Staff, target: str) -> Response:
    """The password was right but ``staff`` has no authenticator yet: on to setting one up."""
    request.state.session.set(
        SETUP_KEY,
        {"staff_id": staff.id, "secret": new_secret(), "next": target, "until": (utcnow() + SETUP_TIME).isoformat()},
    )
    return RedirectResponse(prefixed(request, "/console/two-step"), status_code=303)


async def login(request: Request) -> Response:
    """The console sign-in page (e-mail, password, authenticator code)."""
    form = await StaffLoginForm.from_request(request)
    target = safe_next(request.query_params.get("next"), prefixed(request, "/console"))
    problem = ""
    status = 200
    if request.method == "POST" and form.validate():
        email = form.email.data.strip().lower()
        if await _recent_failures(email) >= FAILURES_ALLOWED:
            problem = _("Too many failed attempts. Please wait 15 minutes and try again.")
            status = 429
        else:
            async with get_portal().database.session() as db:
                staff, recovered = await check_sign_in(
                    db, email, form.password.data, form.code.data or "", form.recovery_code.data or ""
                )
                if staff is not None and recovered:
                    await recovery_code_used(request, db, staff)
                if staff is not None and setup_due(staff):
                    return start_two_step_setup(request, staff, target)
                if staff is not None:
                    await start_staff_session(request, db, staff, target=target)
                    return RedirectResponse(target, status_code=303)
                tenant = request.state.tenant
                audit(
                    db,
                    "console.login_failed",
                    request=request,
                    tenant_id=tenant.id if tenant else None,
                    subject_type="staff",
                    subject_id=email[:60],
                )
                await db.commit()
            problem = _("The e-mail, password or authenticator code is not correct.")
            status = 400
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return await render(request, "console/login.html", {"form": form, "problem": problem}, status_code=status)


async def logout(request: Request) -> Response:
    """End the staff session."""
    request.state.session.sign_out()
    return RedirectResponse(prefixed(request, "/console/login"), status_code=303)
