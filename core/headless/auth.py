"""Signing in from an app: password (then the authenticator code), refresh, sign-out, the bearer check.

The login and the code go through the core's checks (:mod:`core.identity.credentials`): the same
identifiers, throttling and enumeration-safe answer as the sign-in page.
"""

from __future__ import annotations

from datetime import timedelta

from core.audit.service import record as audit
from core.headless.bodies import Refresh, SecondStep, SignIn, SignInAnswer, Tokens
from core.headless.contract import ApiCall, ApiError, ApiRoute
from core.headless.tokens import authenticate, issue, native_client, refresh, revoke
from core.i18n import gettext as _
from core.identity.credentials import check_code, check_password, code_wait
from core.identity.models import User, UserStatus
from core.identity.recovery_pages import redeem_code
from core.identity.signin import record_login, totp_setup_due
from core.identity.throttle import get_throttle
from core.identity.tokens import check_token, consume_token, issue_token
from core.portal import get_portal

CHALLENGE_PURPOSE = "api_second_step"
CHALLENGE_LIFETIME = timedelta(minutes=5)


def bearer_problem() -> ApiError:
    """The 401 of an unknown, expired or revoked access token (the header's description stays English)."""
    description = "The access token is not valid (expired, revoked or unknown)."
    header = f'Bearer realm="api", error="invalid_token", error_description="{description}"'
    message = _("The access token is not valid (expired, revoked or unknown).")
    return ApiError(401, "invalid_token", message, headers={"WWW-Authenticate": header})


async def require_bearer(call: ApiCall) -> None:
    """Authenticate the call by its ``Authorization: Bearer`` header (a session cookie does not count)."""
    scheme, _space, raw = call.request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(
            401, "invalid_token", _("Send an access token."), headers={"WWW-Authenticate": 'Bearer realm="api"'}
        )
    found = await authenticate(call.db, call.tenant, raw.strip())
    if found is None:
        raise bearer_problem()
    call.user, call.grant_id = found


def _throttled(wait: int) -> ApiError:
    return ApiError(429, "throttled", _("Too many attempts; try again later."), headers={"Retry-After": str(wait)})


async def refuse_unfinished(call: ApiCall, user: User) -> None:
    """Refuse tokens to a user the pages would first send to change their password or set up two-step sign-in.

    The answer links to that portal page; the app cannot do it in their place.
    """
    if user.must_change_password:
        error, path = "password_change_required", "/profile/password"
        message = _("Change your password on the portal, then sign in again.")
    elif await totp_setup_due(call.db, call.tenant, user):
        error, path = "two_step_setup_required", "/profile/totp"
        message = _("Set up two-step verification on the portal, then sign in again.")
    else:
        return
    audit(
        call.db,
        "api.sign_in_refused",
        request=call.request,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        reason=error,
    )
    await call.db.commit()
    raise ApiError(403, error, message, url=get_portal().tenant_url(call.tenant, path))


async def _signed_in(call: ApiCall, user: User, *, password: str | None, step: str) -> SignInAnswer:
    client = await native_client(call.db, call.tenant)
    if not client.enabled:
        raise ApiError(403, "client_disabled", _("The apps cannot sign in on this portal."))
    await record_login(call.request, call.db, user, password=password, via="api")
    tokens, grant_id = await issue(call.request, call.db, client, user)
    audit(
        call.db,
        "api.signed_in",
        request=call.request,
        actor_type="user",
        actor_id=user.id,
        subject_type="oidc_grant",
        subject_id=grant_id,
        step=step,
    )
    await call.db.commit()
    return SignInAnswer(status="signed_in", tokens=tokens)


async def sign_in(call: ApiCall) -> SignInAnswer:
    """Check the login and password; answer tokens, or a challenge when the user has two-step verification."""
    typed = await call.json(SignIn)
    check = await check_password(call.request, call.db, typed.login, typed.password)
    if check.wait:
        raise _throttled(check.wait)
    if check.user is None:
        raise ApiError(401, "invalid_credentials", _("The sign-in details are incorrect."))
    if check.refused:
        raise ApiError(
            403, "account_not_active", _("This account cannot sign in yet."), fields={"status": [check.refused]}
        )
    user = check.user
    await refuse_unfinished(call, user)
    if user.totp_secret:
        challenge = await issue_token(call.db, CHALLENGE_PURPOSE, valid_for=CHALLENGE_LIFETIME, user=user)
        await call.db.commit()
        lifetime = int(CHALLENGE_LIFETIME.total_seconds())
        return SignInAnswer(status="mfa_required", challenge=challenge, challenge_expires_in=lifetime)
    answer = await _signed_in(call, user, password=typed.password, step="password")
    await get_throttle().clear(*check.account_buckets)
    return answer


async def second_step(call: ApiCall) -> SignInAnswer:
    """The authenticator code (or a recovery code) for a challenge: tokens; a wrong one counts against the account."""
    typed = await call.json(SecondStep)
    found = await check_token(call.db, typed.challenge, CHALLENGE_PURPOSE)
    token = found.token if found.ok else None
    user = await call.db.get(User, token.user_id) if token is not None and token.user_id else None
    if user is None or user.status != UserStatus.ACTIVE or not user.totp_secret:
        raise ApiError(401, "invalid_challenge", _("Sign in again."))
    wait = await code_wait(call.tenant.id, user.id)
    if wait:
        raise _throttled(wait)
    await refuse_unfinished(call, user)  # changed since the challenge: no recovery code is burnt for nothing
    if typed.recovery_code is not None:  # the challenge stays after a refused code, for another try
        if await redeem_code(call.request, call.db, user, typed.recovery_code) is None:
            message = _("This recovery code is not valid or was already used.")
            raise ApiError(401, "invalid_code", message, fields={"recovery_code": [message]})
        step = "recovery"
    elif await check_code(call.request, call.db, user, typed.code):
        step = "totp"
    else:
        message = _("This code is not valid.")
        raise ApiError(401, "invalid_code", message, fields={"code": [message]})
    await consume_token(call.db, typed.challenge, CHALLENGE_PURPOSE)
    return await _signed_in(call, user, password=None, step=step)


async def refresh_tokens(call: ApiCall) -> Tokens:
    """New tokens for a refresh token; presenting an already used one revokes every token of its sign-in."""
    typed = await call.json(Refresh)
    client = await native_client(call.db, call.tenant)
    answer = await refresh(call.request, call.db, client, typed.refresh_token)
    if answer.reused:
        audit(
            call.db, "api.refresh_reused", request=call.request, subject_type="oidc_grant", subject_id=answer.grant_id
        )
        await call.db.commit()
    if answer.tokens is None:
        raise ApiError(401, "invalid_grant", _("Sign in again."))
    audit(call.db, "api.token_refreshed", request=call.request, subject_type="oidc_grant", subject_id=answer.grant_id)
    await call.db.commit()
    return answer.tokens


async def sign_out(call: ApiCall) -> None:
    """Revoke the access token's sign-in: its access and refresh tokens, and those refreshed from them."""
    await revoke(call.request, call.db, call.grant_id)
    audit(
        call.db,
        "api.signed_out",
        request=call.request,
        actor_type="user",
        actor_id=call.me.id,
        subject_type="oidc_grant",
        subject_id=call.grant_id,
    )
    await call.db.commit()


def auth_routes() -> list[ApiRoute]:
    """The sign-in endpoints."""
    tags = ("Sign-in",)
    return [
        ApiRoute(
            "/auth/sign-in",
            sign_in,
            "POST",
            "sign_in",
            "Sign in with a login and password",
            SignInAnswer,
            body=SignIn,
            public=True,
            tags=tags,
        ),
        ApiRoute(
            "/auth/second-step",
            second_step,
            "POST",
            "second_step",
            "Complete a sign-in with the authenticator code or a recovery code",
            SignInAnswer,
            body=SecondStep,
            public=True,
            tags=tags,
        ),
        ApiRoute(
            "/auth/refresh",
            refresh_tokens,
            "POST",
            "refresh",
            "Renew the tokens",
            Tokens,
            body=Refresh,
            public=True,
            tags=tags,
        ),
        ApiRoute("/auth/sign-out", sign_out, "POST", "sign_out", "Sign out (revoke the tokens)", status=204, tags=tags),
    ]
