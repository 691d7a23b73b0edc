"""The provider's machine endpoints: discovery, JWKS, token, userinfo, revocation.

Relying parties call them from their servers, with no session cookie: they are exempt from the
core's CSRF check (:func:`machine_endpoint`) and authenticate clients or bearer tokens instead.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749.util import scope_to_list
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.identity.models import User
from core.oidc.adapters import oauth2_request, starlette_response
from core.oidc.claims import user_claims
from core.oidc.keys import ALGORITHM, published_keys
from core.oidc.models import OidcAuthorizationCode, OidcToken, digest
from core.oidc.provider import issuer_of, run_server
from core.oidc.server import SCOPES, TenantAuthorizationServer, resource_protector
from core.portal import get_portal
from core.sessions.csrf import machine_endpoint
from core.tenancy.models import Tenant

NO_STORE = {"Cache-Control": "no-store"}


def metadata(tenant: Tenant) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery 1.0) for the tenant."""
    issuer = issuer_of(tenant)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oidc/authorize",
        "token_endpoint": f"{issuer}/oidc/token",
        "userinfo_endpoint": f"{issuer}/oidc/userinfo",
        "revocation_endpoint": f"{issuer}/oidc/revoke",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "end_session_endpoint": f"{issuer}/oidc/logout",
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["sub", "email", "email_verified", "name", "given_name", "family_name", "locale"],
    }


async def discovery(request: Request) -> Response:
    """``/.well-known/openid-configuration``."""
    return JSONResponse(metadata(request.state.tenant))


async def jwks(request: Request) -> Response:
    """``/.well-known/jwks.json``: the tenant's public signing keys."""
    async with get_portal().database.session(request.state.tenant.id) as db:
        keys = await db.run_sync(published_keys)
        await db.commit()  # the first key, made on first use
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})


async def _code_user_claims(request: Request, db: Any, form: dict[str, str]) -> dict[int, dict[str, Any]]:
    """Claims of the user a token request's authorization code was issued to (the ID token needs them)."""
    if form.get("grant_type") != "authorization_code" or not form.get("code"):
        return {}
    row = await db.scalar(
        select(OidcAuthorizationCode).where(OidcAuthorizationCode.code_digest == digest(form["code"]))
    )
    user = await db.get(User, row.user_id) if row is not None else None
    if row is None or user is None:
        return {}
    return {user.id: await user_claims(db, request.state.tenant, user, scope_to_list(row.scope) or [])}


@machine_endpoint
async def token(request: Request) -> Response:
    """The token endpoint: code (with PKCE) or refresh token for tokens."""
    oauth_request = await oauth2_request(request)
    async with get_portal().database.session(request.state.tenant.id) as db:
        claims = await _code_user_claims(request, db, oauth_request.form)

        def answer(server: TenantAuthorizationServer) -> Response:
            response: Response = server.create_token_response(oauth_request)
            return response

        return await run_server(request, db, answer, claims)


@machine_endpoint
async def revoke(request: Request) -> Response:
    """RFC 7009 revocation."""
    oauth_request = await oauth2_request(request)
    async with get_portal().database.session(request.state.tenant.id) as db:

        def answer(server: TenantAuthorizationServer) -> Response:
            response: Response = server.create_endpoint_response("revocation", oauth_request)
            return response

        return await run_server(request, db, answer)


@machine_endpoint
async def userinfo(request: Request) -> Response:
    """The userinfo endpoint: the claims of a valid access token's user, for its scopes."""
    oauth_request = await oauth2_request(request)
    tenant: Tenant = request.state.tenant
    async with get_portal().database.session(tenant.id) as db:

        def check(server: TenantAuthorizationServer) -> OidcToken | Response:
            try:
                found: OidcToken = resource_protector(server.context).validate_request(["openid"], oauth_request)
            except OAuth2Error as error:
                return starlette_response(*error())
            return found

        found = await run_server(request, db, check)
        if isinstance(found, Response):
            return found
        user = await db.get(User, found.user_id)
        if user is None or not user.is_active:
            return JSONResponse({"error": "invalid_token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        claims = await user_claims(db, tenant, user, scope_to_list(found.scope) or [])
    return JSONResponse(claims, headers=NO_STORE)
