"""The tenant's Authlib authorization server: clients and tokens from its tables, Starlette responses."""

from __future__ import annotations

import time
import uuid
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request, ResourceProtector
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from sqlalchemy import select
from starlette.responses import Response

from core.oidc.adapters import starlette_response
from core.oidc.context import ProviderContext
from core.oidc.grants import AUTH_METHODS, AuthorizationCodeGrant, RefreshTokenGrant, S256Challenge, TenantOpenIDCode
from core.oidc.grants import revoke_grant as revoke_grant_tokens
from core.oidc.models import OidcClient, OidcToken, digest

ACCESS_TOKEN_LIFETIME = 3600
REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
SCOPES = ["openid", "profile", "email", "offline_access"]


class TenantAuthorizationServer(AuthorizationServer):
    """One request's authorization server, bound to the tenant by its :class:`ProviderContext`."""

    def __init__(self, context: ProviderContext) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.context = context
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                lambda **_: generate_token(42), lambda **_: generate_token(48), lambda *_: ACCESS_TOKEN_LIFETIME
            ),
        )
        self.register_grant(AuthorizationCodeGrant, [S256Challenge(required=True), TenantOpenIDCode(context)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(TenantRevocationEndpoint)

    def query_client(self, client_id: str) -> OidcClient | None:
        return self.context.db.scalar(
            select(OidcClient).where(OidcClient.client_id == client_id, OidcClient.enabled.is_(True))
        )

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        previous: OidcToken | None = request.refresh_token
        grant_id = previous.grant_id if previous is not None else str(uuid.uuid4())
        row = OidcToken(
            grant_id=grant_id,
            client_id=request.client.client_id,
            user_id=request.user.id,
            access_digest=digest(token["access_token"]),
            refresh_digest=digest(token["refresh_token"]) if token.get("refresh_token") else None,
            scope=token.get("scope", ""),
            issued_at=int(time.time()),
            expires_in=int(token["expires_in"]),
            refresh_expires_at=int(time.time()) + REFRESH_TOKEN_LIFETIME,
        )
        self.context.db.add(row)
        self.context.db.flush()
        action = "oidc.token_refreshed" if previous is not None else "oidc.token_issued"
        self.context.note(action, "oidc_grant", grant_id, client_id=row.client_id, user_id=row.user_id)

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        assert isinstance(request, OAuth2Request), "build it with core.oidc.adapters.oauth2_request"
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        return starlette_response(status, body, headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Authlib's signals (client authenticated, token revoked): audited where they happen."""


class TenantRevocationEndpoint(RevocationEndpoint):
    """RFC 7009: revoking a refresh token revokes its whole grant; an access token, itself."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> OidcToken | None:
        db = self.server.context.db
        found = digest(token_string)
        by_access = select(OidcToken).where(OidcToken.access_digest == found)
        by_refresh = select(OidcToken).where(OidcToken.refresh_digest == found)
        refresh_first = token_type_hint == "refresh_token"  # noqa: S105 - a hint's name, not a secret
        first, second = (by_refresh, by_access) if refresh_first else (by_access, by_refresh)
        row: OidcToken | None = db.scalar(first) or db.scalar(second)
        return row

    def revoke_token(self, token: OidcToken, request: OAuth2Request) -> None:
        context: ProviderContext = self.server.context
        if token.refresh_digest is not None and token.refresh_digest == digest(request.form.get("token", "")):
            revoke_grant_tokens(context, token.grant_id)
        else:
            token.revoked = True
        context.db.flush()
        context.note("oidc.token_revoked", "oidc_grant", token.grant_id, client_id=token.client_id)


class TenantBearerValidator(BearerTokenValidator):
    """Access tokens of the tenant, for the userinfo endpoint."""

    def __init__(self, context: ProviderContext) -> None:
        super().__init__()
        self.context = context

    def authenticate_token(self, token_string: str) -> OidcToken | None:
        return self.context.db.scalar(select(OidcToken).where(OidcToken.access_digest == digest(token_string)))


def resource_protector(context: ProviderContext) -> ResourceProtector:
    """A protector that accepts the tenant's bearer tokens."""
    protector = ResourceProtector()
    protector.register_token_validator(TenantBearerValidator(context))
    return protector
