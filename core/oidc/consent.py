"""The authorization endpoint: sign-in, then consent (third-party clients only, remembered per scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.audit.service import record as audit
from core.i18n import lazy_gettext
from core.identity.current import current_user, login_url
from core.identity.models import User
from core.oidc.adapters import StarletteOAuth2Request, oauth2_request
from core.oidc.models import OidcClient, OidcConsent
from core.oidc.provider import run_server
from core.oidc.server import TenantAuthorizationServer
from core.portal import get_portal
from core.web.rendering import render

SCOPE_LABELS = {
    "openid": lazy_gettext("Know who you are on this portal"),
    "profile": lazy_gettext("Your name, language and account details"),
    "email": lazy_gettext("Your e-mail address"),
    "offline_access": lazy_gettext("Stay connected when you are away"),
}


@dataclass
class Decision:
    """What the authorization step found: a response to send, or a consent page to show."""

    response: Response | None = None
    client: OidcClient | None = None
    scopes: list[str] | None = None
    problem: str = ""


def _remembered(db: Session, client: OidcClient, user: User, scopes: list[str]) -> bool:
    consent = db.scalar(
        select(OidcConsent).where(OidcConsent.client_id == client.client_id, OidcConsent.user_id == user.id)
    )
    return consent is not None and set(scopes) <= set(consent.scopes)


def _remember(db: Session, client: OidcClient, user: User, scopes: list[str]) -> None:
    consent = db.scalar(
        select(OidcConsent).where(OidcConsent.client_id == client.client_id, OidcConsent.user_id == user.id)
    )
    if consent is None:
        db.add(OidcConsent(client_id=client.client_id, user_id=user.id, scopes=sorted(scopes)))
    else:
        consent.scopes = sorted(set(consent.scopes) | set(scopes))
    db.flush()


def _decide(oauth_request: StarletteOAuth2Request, user: User | None, choice: str | None) -> Any:
    """The synchronous step: validate the request, then answer, ask for consent, or report a problem."""

    def body(server: TenantAuthorizationServer) -> Decision:
        try:
            grant = server.get_consent_grant(oauth_request, end_user=user)
        except OAuth2Error as error:
            if error.redirect_uri:
                return Decision(response=server.handle_error_response(oauth_request, error))
            return Decision(problem=error.description or error.error)
        if user is None:
            return Decision()  # sign in first
        client: OidcClient = grant.client
        scopes = (oauth_request.scope or "").split()
        db = server.context.db
        if choice == "deny":
            return Decision(response=server.create_authorization_response(oauth_request, None, grant))
        if choice == "allow":
            _remember(db, client, user, scopes)
            server.context.note("oidc.consent_granted", "oidc_client", client.client_id, scopes=scopes)
        elif not client.first_party and not _remembered(db, client, user, scopes):
            return Decision(client=client, scopes=scopes)
        return Decision(response=server.create_authorization_response(oauth_request, user, grant))

    return body


async def authorize(request: Request) -> Response:
    """``/oidc/authorize``: GET starts (or resumes after sign-in); POST is the consent form's answer."""
    user = await current_user(request)
    oauth_request = await oauth2_request(request, with_form=False)
    choice = None
    if request.method == "POST" and user is not None:
        choice = "allow" if (await request.form()).get("decision") == "allow" else "deny"
    async with get_portal().database.session(request.state.tenant.id) as db:
        decision: Decision = await run_server(request, db, _decide(oauth_request, user, choice))
        if decision.response is not None:
            return decision.response
        if decision.problem:
            return await render(request, "oidc/problem.html", {"problem": decision.problem}, status_code=400)
        if user is None:
            return RedirectResponse(login_url(request), status_code=303)
        assert decision.client is not None
        assert decision.scopes is not None
        audit(
            db,
            "oidc.consent_shown",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="oidc_client",
            subject_id=decision.client.client_id,
        )
        await db.commit()
        labels = [SCOPE_LABELS[s] for s in decision.scopes if s in SCOPE_LABELS]
        return await render(
            request,
            "oidc/consent.html",
            {"client": decision.client, "scope_labels": labels, "action": request.url.path + "?" + request.url.query},
        )
