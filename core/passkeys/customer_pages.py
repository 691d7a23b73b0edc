"""The customers' passkey pages: the profile's list (add, rename, remove) and signing in with one."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from webauthn.helpers import base64url_to_bytes

from core.audit.service import client_ip
from core.i18n import gettext as _
from core.identity.credentials import refused_status
from core.identity.current import current_user, login_required
from core.identity.models import User
from core.identity.pages import tenant_session
from core.identity.reauthentication import confirm_current_password
from core.identity.signin import complete_login
from core.identity.throttle import get_throttle, login_buckets
from core.passkeys import customers
from core.passkeys.ceremony import (
    CeremonyError,
    RelyingParty,
    authentication_options,
    registration_options,
    relying_party,
    verify_registration,
)
from core.passkeys.challenges import issue_challenge, take_challenge
from core.passkeys.forms import NAME_MAX, PasskeyNameForm, PasskeyRemoveForm
from core.passkeys.web import credential_in, json_body, options_reply, problem
from core.web.flow import flash
from core.web.redirects import redirect, safe_next
from core.web.rendering import prefixed, render

REGISTER, SIGN_IN = "register", "signin"


def _rp(request: Request) -> RelyingParty:
    return relying_party(request, request.state.tenant.name)


async def _me(request: Request) -> User:
    user = await current_user(request)
    assert user is not None  # login_required
    return user


@login_required
async def passkeys_page(request: Request) -> Response:
    """``/profile/passkeys``: my passkeys (name, created, last used), and adding one."""
    me = await _me(request)
    async with tenant_session(request) as db:
        passkeys = await customers.passkeys_of(db, me)
    context = {"passkeys": passkeys, "form": await PasskeyNameForm.from_request(request), "name_max": NAME_MAX}
    return await render(request, "passkeys/profile.html", context)


@login_required
async def registration_start(request: Request) -> Response:
    """The options for ``navigator.credentials.create()`` (JSON; a new single-use challenge)."""
    me = await _me(request)
    async with tenant_session(request) as db:
        existing = [p.credential_id for p in await customers.passkeys_of(db, me)]
        handle = await customers.user_handle(db, me)
    request.state.session.set("passkeys:handle", handle)
    options = registration_options(
        _rp(request),
        user_handle=base64url_to_bytes(handle),
        user_name=me.username or me.email,
        display_name=f"{me.first_name} {me.last_name}".strip() or me.email,
        challenge=issue_challenge(request.state.session, REGISTER),
        existing=existing,
    )
    return options_reply(request, options)


@login_required
async def registration_finish(request: Request) -> Response:
    """Keep the passkey the browser made (JSON ``{name, credential}``), if it answers the challenge."""
    me = await _me(request)
    body = await json_body(request)
    name = str(body.get("name") or "").strip()[:NAME_MAX] or _("Passkey")
    challenge = take_challenge(request.state.session, REGISTER)
    handle = request.state.session.pop("passkeys:handle")
    if challenge is None or not isinstance(handle, str):
        return problem(_("This page has expired. Reload it and try again."))
    rp = _rp(request)
    try:
        new = verify_registration(rp, credential_in(body), challenge)
    except CeremonyError:
        return problem(_("The passkey could not be added. Please try again."))
    async with tenant_session(request) as db:
        await customers.add_passkey(db, request, me, rp, new, name=name, handle=handle)
        await db.commit()
    flash(request, _("Your passkey has been added."), "success")
    return JSONResponse({"redirect": prefixed(request, "/profile/passkeys")})


@login_required
async def rename(request: Request) -> Response:
    """Give one of my passkeys a new name."""
    me = await _me(request)
    form = await PasskeyNameForm.from_request(request)
    async with tenant_session(request) as db:
        passkey = await customers.find_passkey(db, me, request.path_params["passkey_id"])
        if passkey is None:
            raise HTTPException(status_code=404)
        if form.validate():
            passkey.name = form.name.data.strip()
            await db.commit()
            flash(request, _("The passkey has been renamed."), "success")
        else:
            flash(request, _("Give the passkey a name of at most %(count)s characters.", count=NAME_MAX), "error")
    return redirect(request, "/profile/passkeys")


@login_required
async def remove(request: Request) -> Response:
    """Remove one of my passkeys, once my current password is typed again."""
    me = await _me(request)
    form = await PasskeyRemoveForm.from_request(request)
    async with tenant_session(request) as db:
        passkey = await customers.find_passkey(db, me, request.path_params["passkey_id"])
        if passkey is None:
            raise HTTPException(status_code=404)
        if request.method == "POST" and form.validate():
            confirmed = await confirm_current_password(request, me, form.password)
            if not isinstance(confirmed, bool):
                return confirmed
            if confirmed:
                await customers.remove_passkey(db, request, me, passkey)
                await db.commit()
                flash(request, _("The passkey has been removed."), "success")
                return redirect(request, "/profile/passkeys")
        form.password.data = ""
        context = {"form": form, "passkey": passkey}
        return await render(request, "passkeys/remove.html", context, status_code=400 if form.errors else 200)


async def sign_in_start(request: Request) -> Response:
    """The options for ``navigator.credentials.get()`` on the sign-in page (JSON; a single-use challenge)."""
    if request.state.tenant is None:
        raise HTTPException(status_code=404)
    challenge = issue_challenge(request.state.session, SIGN_IN)
    return options_reply(request, authentication_options(_rp(request), challenge=challenge))


async def sign_in_finish(request: Request) -> Response:
    """Sign in with the passkey the browser used (JSON ``{credential, next, remember}``).

    The sign-in goes through the core's (refusals, session, audit, ``logged_in``); failures count
    against the sign-in throttle of this IP address.
    """
    tenant = request.state.tenant
    if tenant is None:
        raise HTTPException(status_code=404)
    body = await json_body(request)
    next_path = safe_next(str(body.get("next") or ""), "/")
    ip_buckets, _account = login_buckets(tenant.id, client_ip(request), "passkey")
    throttle = get_throttle()
    wait = await throttle.retry_after(*ip_buckets)
    if wait:
        return problem(_("Too many failed attempts. Please wait a few minutes and try again."), 429)
    challenge = take_challenge(request.state.session, SIGN_IN)
    async with tenant_session(request) as db:
        user = None
        if challenge is not None:
            user = await customers.check_assertion(db, request, _rp(request), credential_in(body), challenge)
        if user is None:
            await db.commit()
            await throttle.hit(*ip_buckets)
            return problem(_("This passkey cannot be used to sign in here. Try again or use your password."))
        if await refused_status(request, db, user):
            return problem(_("This access cannot be used. Please contact customer service."), 403)
        await complete_login(request, db, user, remember=bool(body.get("remember")), method="passkey")
    if user.must_change_password:
        next_path = "/profile/password"
    elif request.state.session.get("force_totp_setup"):
        next_path = "/profile/totp"
    return JSONResponse({"redirect": prefixed(request, next_path)})
