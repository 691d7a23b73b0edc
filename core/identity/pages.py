"""Signed-out identity pages: sign in and out, registration, confirmation, password recovery, invitations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.audit.service import client_ip
from core.audit.service import record as audit
from core.consent.documents import current_documents
from core.db.base import utcnow
from core.db.retry import retrying
from core.i18n import current_locale, ngettext
from core.i18n import gettext as _
from core.identity import flows, registration
from core.identity.confirmation import confirm_email
from core.identity.credentials import check_password, find_login
from core.identity.current import current_user
from core.identity.forms import EmailForm, LoginForm, RecoveryForm, RegistrationForm, SetPasswordForm
from core.identity.invitation import accept_invitation
from core.identity.models import User, UserStatus
from core.identity.passwords import hash_password
from core.identity.rules import (
    RESET_VALID_FOR,
    Duration,
    activation_policy,
    login_identifiers,
    password_policy,
    password_problems,
    session_policy,
    username_policy,
    username_problems,
)
from core.identity.signin import complete_login, sign_in
from core.identity.throttle import (
    MAIL_PER_ADDRESS,
    REGISTER_PER_IP,
    Bucket,
    get_throttle,
    mail_buckets,
    username_check_buckets,
)
from core.identity.tokens import TokenCheck, TokenProblem, check_token, consume_token
from core.identity.users import (
    create_user,
    find_user_by_email,
    identifier_key,
    normalize_email,
    username_taken,
)
from core.plugins import resolve
from core.portal import get_portal
from core.web.forms import PortiqueForm
from core.web.redirects import redirect, safe_next
from core.web.rendering import render


def tenant_session(request: Request) -> AsyncSession:
    """A database session scoped to the request's tenant (use as ``async with``)."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    return get_portal().database.request_session(tenant.id)  # type: ignore[return-value]


async def throttled(request: Request, seconds: int) -> Response:
    """The translated 429 page with ``Retry-After``."""
    minutes = max(1, (seconds + 59) // 60)
    message = ngettext(
        "For your security, this form is locked for about %(count)s minute. Please try again later.",
        "For your security, this form is locked for about %(count)s minutes. Please try again later.",
        minutes,
        count=minutes,
    )
    return await render(
        request,
        "identity/throttled.html",
        {"minutes": minutes, "message": message},
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


def login_label(identifiers: tuple[str, ...]) -> str:
    """Label of the ``login`` field for the tenant's identifiers."""
    if set(identifiers) == {"username", "email"}:
        return _("Username or e-mail address")
    if identifiers == ("username",):
        return _("Username")
    return _("E-mail address")


# -- sign in and out ----------------------------------------------------------------------------


async def login(request: Request) -> Response:
    """``/login``: generic errors, throttling per IP and per account, session rotation."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    next_path = safe_next(request.query_params.get("next"), "/")
    if request.method == "GET" and await current_user(request) is not None:
        return redirect(request, next_path)
    identifiers = login_identifiers(tenant)
    form = await LoginForm.from_request(request)
    form.login.label.text = login_label(identifiers)
    remember_for = Duration(session_policy(tenant).remember_for)
    form.remember.description = _("Keeps you signed in on this device for %(duration)s.", duration=str(remember_for))
    context: dict[str, Any] = {"form": form, "next": next_path}
    if request.method == "GET" or not form.validate():
        return await render(request, "identity/login.html", context)

    async with tenant_session(request) as db:
        check = await check_password(request, db, form.login.data, form.password.data, identifiers)
        if check.wait:
            return await throttled(request, check.wait)
        user = check.user
        if user is None:
            form.login.errors = []
            form.password.errors = [_("The sign-in details are incorrect. Check them and try again.")]
            return await render(request, "identity/login.html", context)
        if check.refused:
            return await render(request, "identity/login.html", {**context, "refused": check.refused})
        if user.totp_secret:
            request.state.session.set(
                "totp_pending",
                {
                    "user_id": user.id,
                    "remember": bool(form.remember.data),
                    "next": next_path,
                    "at": utcnow().isoformat(),
                },
            )
            return redirect(request, "/login/code")
        await complete_login(request, db, user, remember=bool(form.remember.data), password=form.password.data)
        await get_throttle().clear(*check.account_buckets)
    if user.must_change_password:
        return redirect(request, "/profile/password")
    if request.state.session.get("force_totp_setup"):
        return redirect(request, "/profile/totp")
    return redirect(request, next_path)


async def logout(request: Request) -> Response:
    """``/logout`` (POST): end the session."""
    session = request.state.session
    user_id = session.user_id
    if user_id is not None and request.state.tenant is not None:
        async with tenant_session(request) as db:
            audit(
                db,
                "identity.logout",
                request=request,
                actor_type="user",
                actor_id=user_id,
                subject_type="user",
                subject_id=user_id,
            )
            await db.commit()
    session.sign_out()
    session.set("flash", {"message": _("You are signed out."), "kind": "success"})
    return redirect(request, "/")


# -- registration -------------------------------------------------------------------------------


def registration_form_class(request: Request) -> type[RegistrationForm]:
    """The tenant's registration form (a plugin's subclass, or the core's)."""
    tenant = request.state.tenant
    answer = get_portal().hooks(tenant).portique_registration_form(tenant=tenant)
    return answer or RegistrationForm  # type: ignore[no-any-return]


async def register(request: Request) -> Response:
    """``/register``: parse the tenant's form, check it (core rules, then the plugins' hooks), register.

    What a registration does (events, audit, confirmation, approval, activation) is
    :func:`core.identity.registration.register_user`'s; this page only checks and answers.
    """
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    if await current_user(request) is not None:
        return redirect(request, "/")
    policy = username_policy(tenant)
    form = await registration_form_class(request).from_request(request)
    if not policy.enabled and "username" in form:
        del form.username
    context: dict[str, Any] = {
        "form": form,
        "username_policy": policy,
        "password_help": _password_help(tenant),
        "consent_documents": current_documents(tenant),
    }
    if request.method == "GET":
        return await render(request, "identity/register.html", context)

    throttle = get_throttle()
    bucket = Bucket(REGISTER_PER_IP, ("register-ip", str(tenant.id), client_ip(request)))
    wait = await throttle.retry_after(bucket)
    if wait:
        return await throttled(request, wait)

    valid = form.validate()
    async with tenant_session(request) as db:
        username_wait = await _check_credentials(request, db, form, policy.enabled)
        if username_wait:
            audit(db, "identity.username_check_throttled", request=request, retry_after=username_wait)
            await db.commit()
            headers = {"Retry-After": str(username_wait)}
            return await render(request, "identity/register.html", context, status_code=429, headers=headers)
        diverted = await resolve(
            get_portal().hooks(tenant).portique_divert_registration(tenant=tenant, form=form, db=db)
        )
        if diverted:
            await throttle.hit(bucket)
            await db.commit()
            return redirect(request, str(diverted[0]))
        plugin_data = await _plugin_checks(tenant, form, db) if valid and not _has_errors(form) else None
        if plugin_data is None:
            return await render(request, "identity/register.html", context)

        await throttle.hit(bucket)
        return await _register_checked(request, db, form, plugin_data)


async def _register_checked(
    request: Request, db: AsyncSession, form: PortiqueForm, plugin_data: dict[str, Any]
) -> Response:
    """Register a checked form through :func:`~core.identity.registration.register_user` (a known
    address gets the same answer, and its owner a mail), commit, and answer."""
    tenant = request.state.tenant
    existing = await find_user_by_email(db, form.email.data)
    if existing is not None:
        await hash_password(form.password.data)  # the same work as a new user: timing tells nothing
        await registration.answer_known_address(db, tenant, existing, request=request)
        await db.commit()
        return redirect(request, "/register/done")
    user = await create_user(db, **_new_user(form, tenant, plugin_data))
    data = {**_public_data(form), **plugin_data}
    outcome = await registration.register_user(db, tenant, user, request=request, data=data)
    await db.commit()
    if outcome is not registration.Outcome.ACTIVE:
        return redirect(request, "/register/done")
    await sign_in(request, user, remember=False)
    request.state.session.set("flash", {"message": _("Welcome! Your access is ready."), "kind": "success"})
    return redirect(request, "/")


async def _check_credentials(request: Request, db: AsyncSession, form: PortiqueForm, usernames: bool) -> int:
    """Add the tenant's username and password problems to ``form``; the seconds to wait when the
    username look-ups are throttled (else 0)."""
    tenant = request.state.tenant
    username = form.username.data if "username" in form else None
    wait = 0
    if usernames and not form.username.errors:
        problems = username_problems(tenant, username) if username else [_("Choose a username.")]
        if username and not problems:
            wait, problems = await _username_availability(request, db, username)
        form.username.errors = [*form.username.errors, *problems]
    if form.password.data and not form.password.errors:
        problems = password_problems(tenant, form.password.data, email=form.email.data or "", username=username)
        form.password.errors = [*form.password.errors, *problems]
    return wait


async def _plugin_checks(tenant: Any, form: PortiqueForm, db: AsyncSession) -> dict[str, Any] | None:
    """The plugins' ``portique_validate_registration`` answers merged, or ``None`` when one refused the form."""
    answers = await resolve(get_portal().hooks(tenant).portique_validate_registration(tenant=tenant, form=form, db=db))
    if _has_errors(form):
        return None
    plugin_data: dict[str, Any] = {}
    for answer in answers:
        plugin_data.update(answer)
    return plugin_data


def _new_user(form: PortiqueForm, tenant: Any, plugin_data: dict[str, Any]) -> dict[str, Any]:
    """The ``create_user`` arguments from a checked registration form."""
    locale = current_locale()
    fields: dict[str, Any] = {
        "email": form.email.data,
        "password": form.password.data,
        "username": form.username.data if "username" in form else None,
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "locale": locale if locale in tenant.locales else None,
        "plugin_data": plugin_data,
    }
    fields.update({name: str(form[name].data or "")[:40] for name in ("phone",) if name in form})
    fields.update({name: str(form[name].data or "")[:200] for name in ("company",) if name in form})
    return fields


def _public_data(form: PortiqueForm) -> dict[str, Any]:
    """The submitted values without passwords or the CSRF token."""
    secret = {"password", "password_confirm", "current_password", "csrf_token"}
    return {field.name: field.data for field in form if field.name not in secret}


def _has_errors(form: PortiqueForm) -> bool:
    return any(field.errors for field in form)


def _password_help(tenant: Any) -> str:
    return str(password_policy(tenant).help_text or "")


async def register_done(request: Request) -> Response:
    """``/register/done``: what happens next (the same page whether the address was known or not)."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    policy = activation_policy(tenant)
    return await render(
        request, "identity/register_done.html", {"policy": policy, "valid_for": Duration(policy.confirmation_valid_for)}
    )


async def username_check(request: Request) -> Response:
    """``/username/check?username=``: JSON ``{"available": bool, "messages": [...]}`` for the live check."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    policy = username_policy(tenant)
    if not policy.enabled:
        raise HTTPException(status_code=404)
    value = (request.query_params.get("username") or "").strip()[:150]
    messages = username_problems(tenant, value) if value else [_("Choose a username.")]
    if not messages:
        async with tenant_session(request) as db:
            wait, messages = await _username_availability(request, db, value)
        if wait:
            return JSONResponse(
                {"available": None, "messages": messages}, status_code=429, headers={"Retry-After": str(wait)}
            )
    return JSONResponse({"available": not messages, "messages": messages})


async def _username_availability(request: Request, db: AsyncSession, username: str) -> tuple[int, list[str]]:
    """Whether ``username`` is free, as ``(seconds to wait, messages)``; every answer is throttled.

    The live check and the registration form share the buckets (per session and per IP), so
    neither can be used to list the usernames of the tenant: past the limit, nothing is looked up.
    """
    tenant = request.state.tenant
    buckets = username_check_buckets(tenant.id, client_ip(request), request.state.session.id_hash)
    throttle = get_throttle()
    wait = await throttle.retry_after(*buckets)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        message = ngettext(
            "For your security, usernames cannot be checked for about %(count)s minute. Please try again later.",
            "For your security, usernames cannot be checked for about %(count)s minutes. Please try again later.",
            minutes,
            count=minutes,
        )
        return wait, [message]
    await throttle.hit(*buckets)
    if await username_taken(db, username):
        return 0, [_("This username is not available. Choose another one.")]
    return 0, []


# -- confirmation ---------------------------------------------------------------------------------


async def link_problem(request: Request, check: TokenCheck, purpose: str, **extra: Any) -> Response:
    """The page of an unknown, expired or already used link, with what to do next."""
    tenant = request.state.tenant
    policy = activation_policy(tenant)
    status = 410 if check.problem in (TokenProblem.EXPIRED, TokenProblem.USED) else 404
    return await render(
        request,
        "identity/link_problem.html",
        {"problem": check.problem, "purpose": purpose, "policy": policy, "token": extra.get("token"), **extra},
        status_code=status,
    )


async def confirm(request: Request) -> Response:
    """``/confirm/{token}``: confirm the e-mail address; then approval or activation."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    raw = request.path_params["token"]
    async with tenant_session(request) as db:
        check = await consume_token(db, raw, flows.CONFIRM)
        user = await db.get(User, check.token.user_id) if check.token and check.token.user_id else None
        if not check.ok or user is None:
            already = user is not None and user.status != UserStatus.PENDING_EMAIL
            return await link_problem(request, check, flows.CONFIRM, token=raw, already_confirmed=already)
        if user.status != UserStatus.PENDING_EMAIL:
            await db.commit()
            used = TokenCheck(check.token, TokenProblem.USED)
            return await link_problem(request, used, flows.CONFIRM, token=raw, already_confirmed=True)
        approval = await confirm_email(db, tenant, user, request=request)
        await db.commit()
    return await render(request, "identity/confirmed.html", {"approval": approval})


async def confirm_resend(request: Request) -> Response:
    """``/confirm/resend``: a new confirmation link, by address (enumeration-safe) or from an expired link."""
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    policy = activation_policy(tenant)
    if not policy.offer_resend:
        raise HTTPException(status_code=404)
    form = await EmailForm.from_request(request)
    if request.method == "GET":
        return await render(request, "identity/resend.html", {"form": form})
    expired_token = (await request.form()).get("token")
    async with tenant_session(request) as db:
        user: User | None = None
        address = ""
        if isinstance(expired_token, str) and expired_token:
            check = await check_token(db, expired_token, flows.CONFIRM)
            if check.token is not None and check.token.user_id:
                user = await db.get(User, check.token.user_id)
                address = user.email_normalized if user else ""
        else:
            if not form.validate():
                return await render(request, "identity/resend.html", {"form": form})
            address = normalize_email(form.email.data)
            user = await find_user_by_email(db, address)
        buckets = mail_buckets("resend", tenant.id, client_ip(request), address or "-")
        wait = await get_throttle().retry_after(*buckets)
        if wait:
            return await throttled(request, wait)
        await get_throttle().hit(*buckets)
        if user is not None and user.status == UserStatus.PENDING_EMAIL:
            await flows.send_confirmation(db, tenant, user)
            audit(db, "identity.confirmation_resent", request=request, subject_type="user", subject_id=user.id)
            await db.commit()
    return redirect(request, "/register/done")


# -- password recovery ----------------------------------------------------------------------------


def recovers_by_username(tenant: Any) -> bool:
    """The tenant signs in by username: "forgot password" takes the username or the e-mail address."""
    return "username" in login_identifiers(tenant)


async def forgot(request: Request) -> Response:
    """``/password/forgot``: the same answer, after the same work, whether the address (or username) is known.

    Before answering, the page only validates the form and counts the attempt (per IP and per
    typed identifier); looking the account up, issuing the token and queuing the mail happen after
    the answer was sent (:func:`_send_reset_link`), so neither the answer nor its timing tells
    whether an access exists.
    """
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    by_username = recovers_by_username(tenant)
    form_class = RecoveryForm if by_username else EmailForm
    context: dict[str, Any] = {"by_username": by_username}
    if request.method == "GET":
        typed = request.query_params.get("login", "").strip()[:254]
        form = await form_class.from_request(request, **({"email": typed} if typed and by_username else {}))
        return await render(request, "identity/forgot.html", {**context, "form": form})
    form = await form_class.from_request(request)
    if not form.validate():
        return await render(request, "identity/forgot.html", {**context, "form": form})
    typed = form.email.data
    buckets = mail_buckets("reset", tenant.id, client_ip(request), identifier_key(typed))
    throttle = get_throttle()
    wait = await throttle.retry_after(*buckets)
    if wait:
        return await throttled(request, wait)
    await throttle.hit(*buckets)
    identifiers: tuple[str, ...] = ("username", "email") if by_username else ("email",)
    response = redirect(request, "/password/forgot/sent")
    response.background = BackgroundTask(_send_reset_link, request, identifiers, typed)
    return response


@retrying
async def _send_reset_link(request: Request, identifiers: tuple[str, ...], typed: str) -> None:
    """After ``/password/forgot`` answered: find the access, and send it a reset link if it is active."""
    tenant = request.state.tenant
    throttle = get_throttle()
    async with tenant_session(request) as db:
        user = await find_login(db, identifiers, typed)
        if user is None or user.status != UserStatus.ACTIVE:
            audit(db, "identity.reset_requested_unknown", request=request)
            await db.commit()
            return
        # At most MAIL_PER_ADDRESS links per account, whether its username or its e-mail was typed.
        account = Bucket(MAIL_PER_ADDRESS, ("reset-account", str(tenant.id), str(user.id)))
        if await throttle.retry_after(account):
            audit(db, "identity.reset_throttled", request=request, subject_type="user", subject_id=user.id)
            await db.commit()
            return
        await flows.send_password_reset(db, tenant, user)
        audit(db, "identity.reset_requested", request=request, subject_type="user", subject_id=user.id)
        await db.commit()
    await throttle.hit(account)


async def forgot_sent(request: Request) -> Response:
    """``/password/forgot/sent``: check your mailbox."""
    if request.state.tenant is None:
        raise HTTPException(status_code=404)
    context = {"valid_for": Duration(RESET_VALID_FOR), "by_username": recovers_by_username(request.state.tenant)}
    return await render(request, "identity/forgot_sent.html", context)


async def _set_password_page(
    request: Request, purpose: str, template: str, finish: Any, statuses: tuple[str, ...]
) -> Response:
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    raw = request.path_params["token"]
    async with tenant_session(request) as db:
        check = await check_token(db, raw, purpose)
        user = await db.get(User, check.token.user_id) if check.token and check.token.user_id else None
        if not check.ok or user is None or user.status not in statuses:
            return await link_problem(
                request, check if not check.ok else TokenCheck(None, TokenProblem.UNKNOWN), purpose
            )
        form = await SetPasswordForm.from_request(request)
        context = {"form": form, "password_help": _password_help(tenant), "person": user}
        if request.method == "GET" or not form.validate():
            return await render(request, template, context)
        problems = password_problems(tenant, form.password.data, email=user.email, username=user.username)
        if problems:
            form.password.errors = problems
            return await render(request, template, context)
        consumed = await consume_token(db, raw, purpose)
        if not consumed.ok:
            return await link_problem(request, consumed, purpose)
        user.password_hash = await hash_password(form.password.data)
        user.must_change_password = False
        response: Response = await finish(request, db, user)
        await db.commit()
    await flows.revoke_sessions(user)
    return response


async def reset(request: Request) -> Response:
    """``/password/reset/{token}``: choose a new password; every session of the user ends."""

    async def finish(request: Request, db: AsyncSession, user: User) -> Response:
        audit(db, "identity.password_reset", request=request, subject_type="user", subject_id=user.id)
        await flows.fire(db, request.state.tenant, "password_changed", user, {"via": "reset"})
        request.state.session.set(
            "flash", {"message": _("Your password has been changed. You can now sign in."), "kind": "success"}
        )
        return redirect(request, "/login")

    return await _set_password_page(request, flows.RESET, "identity/reset.html", finish, (UserStatus.ACTIVE,))


async def invitation(request: Request) -> Response:
    """``/invitation/{token}``: an invited user chooses a password; the access becomes active."""

    async def finish(request: Request, db: AsyncSession, user: User) -> Response:
        await accept_invitation(db, request.state.tenant, user, request=request)
        request.state.session.set(
            "flash",
            {
                "message": _("Your access is ready. Sign in with your e-mail address and new password."),
                "kind": "success",
            },
        )
        return redirect(request, "/login")

    return await _set_password_page(
        request, flows.INVITE, "identity/invitation.html", finish, (UserStatus.INVITED, UserStatus.ACTIVE)
    )
