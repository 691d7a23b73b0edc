"""Signed-in identity pages: profile, password, e-mail address, sessions, two-step verification."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n import gettext as _
from core.i18n.middleware import remember_chosen_locale
from core.identity import flows, totp
from core.identity.account import managed_membership
from core.identity.credentials import check_code, code_wait
from core.identity.current import current_user, login_required
from core.identity.forms import ChangeEmailForm, ChangePasswordForm, ProfileForm, TotpForm
from core.identity.models import Membership, User, UserStatus
from core.identity.pages import _password_help, link_problem, tenant_session, throttled
from core.identity.passwords import hash_password
from core.identity.reauthentication import confirm_current_password
from core.identity.recovery import FEW_LEFT
from core.identity.recovery_pages import codes_left, forget_two_step, issue_codes
from core.identity.rules import password_problems, session_policy
from core.identity.signin import complete_login
from core.identity.tokens import consume_token
from core.identity.users import find_user_by_email
from core.mail.service import queue_mail
from core.portal import get_portal
from core.web.redirects import redirect, safe_next
from core.web.rendering import locale_choices, render

TOTP_STEP_TIMEOUT = timedelta(minutes=5)


def _flash(request: Request, message: str, kind: str = "success") -> None:
    request.state.session.set("flash", {"message": message, "kind": kind})


async def _load_me(db: Any, request: Request) -> User:
    user = await current_user(request)
    assert user is not None
    me = await db.get(User, user.id)
    if me is None:
        raise HTTPException(status_code=404)
    return me  # type: ignore[no-any-return]


@login_required
async def profile(request: Request) -> Response:
    """``/profile``: who I am; names and language."""
    tenant = request.state.tenant
    async with tenant_session(request) as db:
        me = await _load_me(db, request)
        form = await ProfileForm.from_request(
            request, first_name=me.first_name, last_name=me.last_name, locale=me.locale or tenant.default_locale
        )
        form.locale.choices = locale_choices(tenant.locales)
        if request.method == "POST" and form.validate():
            me.first_name = form.first_name.data
            me.last_name = form.last_name.data
            me.locale = form.locale.data
            request.state.session.set("locale", me.locale)
            audit(
                db,
                "identity.profile_changed",
                request=request,
                actor_type="user",
                actor_id=me.id,
                subject_type="user",
                subject_id=me.id,
            )
            await db.commit()
            request.state.session.pop(flows.LOCALE_OFFER)
            _flash(request, _("Your profile has been saved."))
            response = redirect(request, "/profile")
            remember_chosen_locale(response, request.scope, me.locale)  # the profile's language is the latest choice
            return response

        manages = await managed_membership(request) is not None
        left = await codes_left(db, me) if me.totp_secret else None
        context = {"form": form, "me": me, "manages_users": manages, "recovery_left": left, "recovery_few": FEW_LEFT}
        return await render(request, "identity/profile.html", context)


@login_required
async def save_locale(request: Request) -> Response:
    """``/profile/locale`` (POST): save the language chosen before sign-in in the profile, or dismiss the offer."""
    tenant = request.state.tenant
    session = request.state.session
    data = await request.form()
    target = safe_next(str(data.get("next", "")), "/")
    offered = session.pop(flows.LOCALE_OFFER)
    if data.get("action") == "save" and offered in tenant.locales:
        async with tenant_session(request) as db:
            me = await _load_me(db, request)
            me.locale = offered
            session.set("locale", offered)
            audit(
                db,
                "identity.profile_changed",
                request=request,
                actor_type="user",
                actor_id=me.id,
                subject_type="user",
                subject_id=me.id,
            )
            await db.commit()
        _flash(request, _("Your language has been saved in your profile."))
    return redirect(request, target)


@login_required
async def change_password(request: Request) -> Response:
    """``/profile/password``: the current password is required; other sessions end."""
    tenant = request.state.tenant
    forced = bool(request.state.session.get("force_password_change"))
    async with tenant_session(request) as db:
        me = await _load_me(db, request)
        form = await ChangePasswordForm.from_request(request)
        context = {"form": form, "forced": forced, "password_help": _password_help(tenant), "me": me}
        if request.method == "GET" or not form.validate():
            return await render(request, "identity/password.html", context)
        confirmed = await confirm_current_password(request, me, form.current_password)
        if isinstance(confirmed, Response):
            return confirmed
        if not confirmed:
            return await render(request, "identity/password.html", context)
        problems = password_problems(tenant, form.password.data, email=me.email, username=me.username)
        if form.password.data == form.current_password.data:
            problems.append(_("Choose a password different from the current one."))
        if problems:
            form.password.errors = problems
            return await render(request, "identity/password.html", context)
        me.password_hash = await hash_password(form.password.data)
        me.must_change_password = False
        queue_mail(db, tenant, me.email, "identity/password_changed", {"user": me}, locale=me.locale)
        audit(
            db,
            "identity.password_changed",
            request=request,
            actor_type="user",
            actor_id=me.id,
            subject_type="user",
            subject_id=me.id,
        )
        await flows.fire(db, tenant, "password_changed", me, {"via": "profile"})
        await db.commit()
    session = request.state.session
    await flows.revoke_sessions(me, keep=session.id_hash)
    session.pop("force_password_change")
    _flash(request, _("Your password has been changed. Your other sessions were signed out."))
    return redirect(request, "/profile")


@login_required
async def change_email(request: Request) -> Response:
    """``/profile/email``: a link goes to the new address; the change happens when it is followed."""
    tenant = request.state.tenant
    async with tenant_session(request) as db:
        me = await _load_me(db, request)
        form = await ChangeEmailForm.from_request(request)
        context = {"form": form, "me": me}
        if request.method == "GET" or not form.validate():
            return await render(request, "identity/email.html", context)
        confirmed = await confirm_current_password(request, me, form.current_password)
        if isinstance(confirmed, Response):
            return confirmed
        if not confirmed:
            return await render(request, "identity/email.html", context)
        taken = await find_user_by_email(db, form.email.data)
        if taken is None:
            await flows.change_email(db, tenant, me, form.email.data, confirmed=False)
        audit(
            db,
            "identity.email_change_requested",
            request=request,
            actor_type="user",
            actor_id=me.id,
            subject_type="user",
            subject_id=me.id,
            new=form.email.data,
        )
        await db.commit()
    _flash(
        request,
        _("We sent a link to %(email)s. Your address will change when you open it.", email=form.email.data),
        "info",
    )
    return redirect(request, "/profile")


async def confirm_email_change(request: Request) -> Response:
    """``/profile/email/{token}``: the new address is confirmed; the old one gets a notice."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    raw = request.path_params["token"]
    async with tenant_session(request) as db:
        check = await consume_token(db, raw, flows.EMAIL_CHANGE)
        user = await db.get(User, check.token.user_id) if check.token and check.token.user_id else None
        if not check.ok or user is None or user.status != UserStatus.ACTIVE:
            return await link_problem(request, check, flows.EMAIL_CHANGE)
        new_email = str(check.token.payload.get("email", "")) if check.token else ""
        if not new_email or await find_user_by_email(db, new_email) is not None:
            await db.commit()
            return await render(request, "identity/email_taken.html", status_code=409)
        await flows.change_email(db, tenant, user, new_email, confirmed=True)
        await db.commit()
    _flash(request, _("Your e-mail address has been changed."))
    return redirect(request, "/profile" if request.state.session.user_id == user.id else "/login")


@login_required
async def sessions(request: Request) -> Response:
    """``/profile/sessions``: active sessions; revoke one or every other."""

    user = await current_user(request)
    assert user is not None
    store = get_portal().session_store
    session = request.state.session
    if request.method == "POST":
        data = await request.form()
        target = data.get("session")
        if data.get("all") == "others":
            count = await flows.revoke_sessions(user, keep=session.id_hash)
            _flash(request, _("Your other sessions were signed out."))
        elif isinstance(target, str):
            mine = {s.id for s in await store.list_for_user(user.tenant_id, user.id)}
            if target not in mine or target == session.id_hash:
                raise HTTPException(status_code=404)
            await store.delete(target)
            count = 1
            _flash(request, _("The session was signed out."))
        else:
            raise HTTPException(status_code=400)
        async with tenant_session(request) as db:
            audit(
                db,
                "identity.sessions_revoked",
                request=request,
                actor_type="user",
                actor_id=user.id,
                subject_type="user",
                subject_id=user.id,
                count=count,
            )
            await db.commit()
        return redirect(request, "/profile/sessions")
    items = await store.list_for_user(user.tenant_id, user.id)
    return await render(request, "identity/sessions.html", {"items": items, "current": session.id_hash})


# -- two-step verification (TOTP) -------------------------------------------------------------------


@login_required
async def totp_setup(request: Request) -> Response:
    """``/profile/totp``: turn two-step verification on (scan, then confirm a code) or off."""
    tenant = request.state.tenant
    session = request.state.session
    async with tenant_session(request) as db:
        me = await _load_me(db, request)
        form = await TotpForm.from_request(request)
        action = (await request.form()).get("action") if request.method == "POST" else None
        required_roles = set(session_policy(tenant).totp_required_roles)
        roles = set(await db.scalars(select(Membership.role).where(Membership.user_id == me.id)))
        required = bool(required_roles & roles)
        if me.totp_secret:
            if required:
                return await render(request, "identity/totp.html", {"form": form, "enabled": True, "required": True})
            if action == "disable" and form.validate() and totp.code_ok(me.totp_secret, form.code.data):
                await forget_two_step(db, me)
                audit(
                    db,
                    "identity.totp_disabled",
                    request=request,
                    actor_type="user",
                    actor_id=me.id,
                    subject_type="user",
                    subject_id=me.id,
                )
                await db.commit()
                _flash(request, _("Two-step verification is off."))
                return redirect(request, "/profile")
            if action == "disable" and not form.code.errors:
                form.code.errors = [_("This code is not valid. Check the time of your device and try again.")]
            return await render(request, "identity/totp.html", {"form": form, "enabled": True})
        secret = session.get("totp_setup") or totp.new_secret()
        session.set("totp_setup", secret)
        if action == "enable" and form.validate():
            if totp.code_ok(secret, form.code.data):
                me.totp_secret = secret
                session.pop("totp_setup")
                session.pop("force_totp_setup")
                await issue_codes(request, db, me)
                audit(
                    db,
                    "identity.totp_enabled",
                    request=request,
                    actor_type="user",
                    actor_id=me.id,
                    subject_type="user",
                    subject_id=me.id,
                )
                await db.commit()
                _flash(request, _("Two-step verification is on."))
                return redirect(request, "/profile/recovery-codes")
            form.code.errors = [_("This code is not valid. Check the time of your device and try again.")]
        uri = totp.provisioning_uri(secret, name=me.email, issuer=tenant.name)
        forced = bool(session.get("force_totp_setup"))
        return await render(
            request,
            "identity/totp.html",
            {"form": form, "enabled": False, "secret": secret, "uri": uri, "forced": forced},
        )


async def login_code(request: Request) -> Response:
    """``/login/code``: the second step of a sign-in with two-step verification."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    session = request.state.session
    pending = session.get("totp_pending")
    if not pending or utcnow() - datetime.fromisoformat(pending["at"]) > TOTP_STEP_TIMEOUT:
        session.pop("totp_pending")
        return redirect(request, "/login")
    form = await TotpForm.from_request(request)
    if request.method == "GET" or not form.validate():
        return await render(request, "identity/login_code.html", {"form": form})
    wait = await code_wait(tenant.id, int(pending["user_id"]))
    if wait:
        return await throttled(request, wait)
    async with tenant_session(request) as db:
        user = await db.get(User, int(pending["user_id"]))
        if user is None or user.status != UserStatus.ACTIVE or not user.totp_secret:
            session.pop("totp_pending")
            return redirect(request, "/login")
        if not await check_code(request, db, user, form.code.data):
            form.code.errors = [_("This code is not valid. Check the time of your device and try again.")]
            return await render(request, "identity/login_code.html", {"form": form})
        session.pop("totp_pending")
        await complete_login(request, db, user, remember=bool(pending.get("remember")))
    if user.must_change_password:
        return redirect(request, "/profile/password")
    if session.get("force_totp_setup"):
        return redirect(request, "/profile/totp")
    return redirect(request, str(pending.get("next") or "/"))
