"""Authlib's grants, on the tenant's tables: code (PKCE S256, required of public clients), refresh, ID token.

Refresh tokens rotate: each refresh issues a new one and marks the old token ``rotated``; presenting a
rotated refresh token again revokes every token of its grant (reuse detection).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Request, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from joserfc.jwk import RSAKey
from sqlalchemy import select, update

from core.db.base import utcnow
from core.identity.models import User, UserStatus
from core.oidc.context import ProviderContext
from core.oidc.keys import ALGORITHM, private_key, signing_key
from core.oidc.models import OidcAuthorizationCode, OidcClient, OidcToken, digest

CODE_LIFETIME = timedelta(minutes=2)
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def context_of(server: Any) -> ProviderContext:
    """The provider context of the server a grant belongs to."""
    context: ProviderContext = server.context
    return context


def active_user(context: ProviderContext, user_id: int) -> User | None:
    """The user, if still active on the tenant."""
    user = context.db.get(User, user_id)
    return user if user is not None and user.status == UserStatus.ACTIVE else None


class S256Challenge(CodeChallenge):
    """PKCE with S256 only; a public client must send a challenge with its authorization request."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ("S256",)

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        client: OidcClient = grant.request.client
        if client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("Public clients must use PKCE (S256).", redirect_uri=redirect_uri)
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Use code_challenge_method=S256.", redirect_uri=redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: OidcAuthorizationCode) -> str | None:
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: OidcAuthorizationCode) -> str | None:
        return authorization_code.code_challenge_method


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """The code grant: codes are stored hashed, used once, and live two minutes."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        context = context_of(self.server)
        context.db.add(
            OidcAuthorizationCode(
                code_digest=digest(code),
                client_id=request.client.client_id,
                user_id=request.user.id,
                redirect_uri=request.payload.redirect_uri or "",
                scope=request.scope or "",
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                expires_at=utcnow() + CODE_LIFETIME,
            )
        )
        context.db.flush()

    def query_authorization_code(self, code: str, client: OidcClient) -> OidcAuthorizationCode | None:
        row = context_of(self.server).db.scalar(
            select(OidcAuthorizationCode).where(
                OidcAuthorizationCode.code_digest == digest(code),
                OidcAuthorizationCode.client_id == client.client_id,
            )
        )
        return row if row is not None and not row.is_expired() else None

    def delete_authorization_code(self, authorization_code: OidcAuthorizationCode) -> None:
        context_of(self.server).db.delete(authorization_code)

    def authenticate_user(self, authorization_code: OidcAuthorizationCode) -> User | None:
        return active_user(context_of(self.server), authorization_code.user_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """The refresh grant with rotation and reuse detection."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> OidcToken | None:
        context = context_of(self.server)
        row: OidcToken | None = context.db.scalar(
            select(OidcToken).where(OidcToken.refresh_digest == digest(refresh_token))
        )
        if row is None or row.revoked:
            return None
        if row.rotated:
            revoke_grant(context, row.grant_id)
            context.note("oidc.refresh_reused", "oidc_grant", row.grant_id, client_id=row.client_id)
            return None
        if row.refresh_expires_at < time.time():
            return None
        return row

    def authenticate_user(self, refresh_token: OidcToken) -> User | None:
        return active_user(context_of(self.server), refresh_token.user_id)

    def revoke_old_credential(self, refresh_token: OidcToken) -> None:
        refresh_token.rotated = True
        context_of(self.server).db.flush()


def revoke_grant(context: ProviderContext, grant_id: str) -> None:
    """Revoke every token of one grant (one sign-in of one client)."""
    context.db.execute(
        update(OidcToken)
        .where(OidcToken.grant_id == grant_id)
        .values(revoked=True)
        .execution_options(synchronize_session="fetch")
    )


class TenantOpenIDCode(OpenIDCode):
    """ID tokens of the code flow: signed by the tenant's key, issued by the tenant, for the client."""

    def __init__(self, context: ProviderContext) -> None:
        super().__init__(require_nonce=False)
        self.context = context

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        found = self.context.db.scalar(
            select(OidcAuthorizationCode.id).where(
                OidcAuthorizationCode.nonce == nonce,
                OidcAuthorizationCode.client_id == request.payload.client_id,
            )
        )
        return found is not None

    def get_client_algorithm(self, client: OidcClient) -> str:
        return ALGORITHM

    def get_encode_header(self, client: OidcClient) -> dict[str, str]:
        return {"alg": ALGORITHM, "kid": signing_key(self.context.db).kid, "typ": "JWT"}

    def resolve_client_private_key(self, client: OidcClient) -> RSAKey:
        return private_key(signing_key(self.context.db))

    def get_client_claims(self, client: OidcClient) -> dict[str, Any]:
        return {"iss": self.context.issuer, "aud": [client.client_id]}

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return UserInfo(self.context.claims.get(user.id, {}))
