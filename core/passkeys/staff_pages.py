"""The console's passkey pages: a staff member's own passkeys, and signing in to the console with one."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from webauthn.helpers import base64url_to_bytes

from core.audit.service import client_ip
from core.console.auth import PASSKEY_DUE, start_staff_session
from core.i18n import gettext as _
from core.identity.passwords import verify_password
from core.identity.throttle import LOGIN_PER_ACCOUNT, LOGIN_PER_IP, Bucket, get_throttle
from core.passkeys import staff as staff_keys
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
from core.portal import get_portal
from core.staff.models import Staff
from core.web.flow import flash
from core.web.redirects import redirect, safe_next
from core.web.rendering import prefixed, render

REGISTER, SIGN_IN = "console-register", "console-signin"
PAGE = "/console/passkeys"


def _rp(request: Request) -> RelyingParty:
    return relying_party(request, _("Operator console"))


async def passkeys_page(request: Request) -> Response:
    """``/console/passkeys``: my passkeys, and adding one (first, when the deployment requires one)."""
    me: Staff = request.state.staff
    session = request.state.session
    async with get_portal().database.session() as db:
        passkeys = await staff_keys.passkeys_of(db, me)
        has_one = await staff_keys.has_passkey(db, me, _rp(request))
    due = session.get(PASSKEY_DUE)
    if due and has_one:
        session.pop(PASSKEY_DUE)
        return RedirectResponse(safe_next(due, prefixed(request, "/console")), status_code=303)
    context = {
        "passkeys": passkeys,
        "form": await PasskeyNameForm.from_request(request),
        "name_max": NAME_MAX,
        "required": bool(due),
    }
    return await render(request, "passkeys/console.html", context)


async def registration_start(request: Request) -> Response:
    """The options for ``navigator.credentials.create()`` (JSON; a new single-use challenge)."""
    me: Staff = request.state.staff
    async with get_portal().database.session() as db:
        existing = [p.credential_id for p in await staff_keys.passkeys_of(db, me)]
        handle = await staff_keys.user_handle(db, me)
    request.state.session.set("passkeys:staff_handle", handle)
    options = registration_options(
        _rp(request),
        user_handle=base64url_to_bytes(handle),
        user_name=me.email,
        display_name=me.name,
        challenge=issue_challenge(request.state.session, REGISTER),
        existing=existing,
    )
    return options_reply(request, options)


async def registration_finish(request: Request) -> Response:
    """Keep the passkey the browser made (JSON ``{name, credential}``); a due passkey is then shown."""
    me: Staff = request.state.staff
    body = await json_body(request)
    name = str(body.get("name") or "").strip()[:NAME_MAX] or _("Passkey")
    session = request.state.session
    challenge = take_challenge(session, REGISTER)
    handle = session.pop("passkeys:staff_handle")
    if challenge is None or not isinstance(handle, str):
        return problem(_("This page has expired. Reload it and try again."))
    rp = _rp(request)
    try:
        new = verify_registration(rp, credential_in(body), challenge)
    except CeremonyError:
        return problem(_("The passkey could not be added. Please try again."))
    async with get_portal().database.session() as db:
        await staff_keys.add_passkey(db, request, me, rp, new, name=name, handle=handle)
        await db.commit()
    flash(request, _("Your passkey has been added."), "success")
    due = session.pop(PASSKEY_DUE)
    target = safe_next(due, prefixed(request, "/console")) if due else prefixed(request, PAGE)
    return JSONResponse({"redirect": target})


async def rename(request: Request) -> Response:
    """Give one of my passkeys a new name."""
    me: Staff = request.state.staff
    form = await PasskeyNameForm.from_request(request)
    async with get_portal().database.session() as db:
        passkey = await staff_keys.find_passkey(db, me, request.path_params["passkey_id"])
        if passkey is None:
            raise HTTPException(status_code=404)
        if form.validate():
            passkey.name = form.name.data.strip()
            await db.commit()
            flash(request, _("The passkey has been renamed."), "success")
        else:
            flash(request, _("Give the passkey a name of at most %(count)s characters.", count=NAME_MAX), "error")
    return redirect(request, PAGE)


async def remove(request: Request) -> Response:
    """Remove one of my passkeys, once my password is typed again (wrong tries are throttled)."""
    me: Staff = request.state.staff
    form = await PasskeyRemoveForm.from_request(request)
    bucket = Bucket(LOGIN_PER_ACCOUNT, ("console-reauth", str(me.id)))
    async with get_portal().database.session() as db:
        passkey = await staff_keys.find_passkey(db, me, request.path_params["passkey_id"])
        if passkey is None:
            raise HTTPException(status_code=404)
        if request.method == "POST" and form.validate():
            if await get_throttle().retry_after(bucket):
                form.password.errors = [_("Too many failed attempts. Please wait a few minutes and try again.")]
            elif await verify_password(me.password_hash, form.password.data):
                await staff_keys.remove_passkey(db, request, me, passkey)
                await db.commit()
                flash(request, _("The passkey has been removed."), "success")
                return redirect(request, PAGE)
            else:
                await get_throttle().hit(bucket)
                form.password.errors = [_("The current password is incorrect.")]
        form.password.data = ""
        context = {"form": form, "passkey": passkey}
        return await render(request, "passkeys/console_remove.html", context, status_code=400 if form.errors else 200)


async def sign_in_start(request: Request) -> Response:
    """The options for ``navigator.credentials.get()`` on the console sign-in page."""
    challenge = issue_challenge(request.state.session, SIGN_IN)
    return options_reply(request, authentication_options(_rp(request), challenge=challenge))


async def sign_in_finish(request: Request) -> Response:
    """Sign in to the console with a passkey (JSON ``{credential, next}``); failures are throttled per IP."""
    body = await json_body(request)
    target = safe_next(str(body.get("next") or ""), prefixed(request, "/console"))
    bucket = Bucket(LOGIN_PER_IP, ("console-passkey", client_ip(request)))
    throttle = get_throttle()
    if await throttle.retry_after(bucket):
        return problem(_("Too many failed attempts. Please wait a few minutes and try again."), 429)
    challenge = take_challenge(request.state.session, SIGN_IN)
    async with get_portal().database.session() as db:
        staff = None
        if challenge is not None:
            staff = await staff_keys.check_assertion(db, request, _rp(request), credential_in(body), challenge)
        if staff is None:
            await db.commit()
            await throttle.hit(bucket)
            return problem(_("This passkey cannot be used to sign in here. Try again or use your password."))
        await start_staff_session(request, db, staff, method="passkey")
    return JSONResponse({"redirect": target})
