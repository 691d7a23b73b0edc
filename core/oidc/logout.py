"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at ``/oidc/logout``, on Authlib's endpoint.

With a valid ``id_token_hint`` the customer is signed out at once; without one they confirm first
(a logout link anyone could forge must not sign them out). Redirection goes only to one of the
client's registered post-logout addresses.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.audit.service import record as audit
from core.i18n import gettext as _
from core.identity.current import current_user
from core.oidc.adapters import oauth2_request
from core.oidc.claims import subject
from core.oidc.keys import ALGORITHM, published_keys
from core.oidc.provider import run_server
from core.oidc.server import TenantAuthorizationServer
from core.portal import get_portal
from core.web.rendering import prefixed, render


class TenantEndSessionEndpoint(EndSessionEndpoint):
    """Authlib's end-session endpoint with the tenant's published keys; the page signs the customer out."""

    def get_server_jwks(self) -> dict[str, Any]:
        keys: dict[str, Any] = published_keys(self.server.context.db)
        return keys

    def get_algorithms(self) -> list[str]:
        return [ALGORITHM]

    def resolve_client_from_id_token_claims(self, id_token_claims: dict[str, Any]) -> Any | None:
        """The client the ID token was issued to (our tokens name it as a one-item ``aud`` list)."""
        aud = id_token_claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        return self.server.query_client(audiences[0]) if len(audiences) == 1 else None

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        """Nothing to do here: :func:`logout` ends the customer's session once the request is valid."""


def _validate(oauth_request: Any) -> Any:
    def body(server: TenantAuthorizationServer) -> EndSessionRequest | str:
        server.register_endpoint(TenantEndSessionEndpoint)
        try:
            validated: EndSessionRequest = server.validate_endpoint_request("end_session", oauth_request)
        except OAuth2Error as error:
            return str(error.description or error.error)
        return validated

    return body


async def logout(request: Request) -> Response:
    """``/oidc/logout``: GET from the relying party; POST is the confirmation form's answer."""
    tenant = request.state.tenant
    user = await current_user(request)
    oauth_request = await oauth2_request(request, with_form=False)
    async with get_portal().database.session(tenant.id) as db:
        validated = await run_server(request, db, _validate(oauth_request))
        if isinstance(validated, str):
            return await render(request, "oidc/problem.html", {"problem": validated}, status_code=400)
        hinted = validated.id_token_claims is not None
        if user is not None and hinted and validated.id_token_claims.get("sub") != subject(tenant, user):
            user = None  # the hint names someone else: leave this session alone
        elif user is not None and not hinted and request.method != "POST":
            action = request.url.path + ("?" + request.url.query if request.url.query else "")
            return await render(request, "oidc/logout.html", {"action": action})
        if user is not None:
            client_id = validated.client.client_id if validated.client is not None else ""
            audit(
                db,
                "oidc.logout",
                request=request,
                actor_type="user",
                actor_id=user.id,
                subject_type="oidc_client",
                subject_id=client_id,
            )
            await db.commit()
            request.state.session.sign_out()
            request.state.session.set("flash", {"message": _("You are signed out."), "kind": "success"})
    return RedirectResponse(validated.redirect_uri or prefixed(request, "/"), status_code=303)
