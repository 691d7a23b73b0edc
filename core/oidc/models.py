"""OIDC tables: clients, signing keys, authorization codes, tokens and remembered consents (all per tenant).

The rows implement Authlib's model mixins, so its grants read them directly. Secrets and tokens are
kept as SHA-256 digests; a signing key's private half is kept encrypted (:mod:`core.oidc.keys`).

The authorization code takes OAuth 2's mixin and the four methods OpenID Connect's adds: importing
``authlib.oidc.core`` would load joserfc and cryptography into every process that knows the tables.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow

PUBLIC_AUTH_METHOD = "none"
SECRET_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
GRANT_TYPES = ("authorization_code", "refresh_token")


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a secret or token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class OidcClient(ClientMixin, TenantOwned, Base):
    """An application that signs customers in through the tenant (a relying party)."""

    __tablename__ = "oidc_clients"
    __table_args__ = (UniqueConstraint("client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    secret_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_party: Mapped[bool] = mapped_column(default=False)
    scopes: Mapped[str] = mapped_column(String(200), default="openid profile email")
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_public(self) -> bool:
        """A public client (a browser or mobile app) has no secret and must use PKCE."""
        return self.secret_digest is None

    @property
    def client_metadata(self) -> dict[str, Any]:
        """The registered metadata Authlib's end-session endpoint reads (post-logout addresses)."""
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    # -- Authlib's ClientMixin ---------------------------------------------------------------

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str) -> str:
        if not scope:
            return ""
        allowed = set(self.scopes.split())
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # exact comparison, no prefix or pattern

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_digest is not None and hmac.compare_digest(self.secret_digest, digest(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.is_public:
            return method == PUBLIC_AUTH_METHOD
        return method in SECRET_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class OidcKey(TenantOwned, Base):
    """A key pair that signs the tenant's ID tokens; the newest unretired one signs."""

    __tablename__ = "oidc_keys"
    __table_args__ = (UniqueConstraint("kid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64))
    alg: Mapped[str] = mapped_column(String(10))
    private_jwk_encrypted: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<OidcKey {self.kid} {self.alg}>"  # never the private half


class OidcAuthorizationCode(AuthorizationCodeMixin, TenantOwned, Base):
    """A one-time code handed to the client's redirect URI (short-lived)."""

    __tablename__ = "oidc_codes"
    __table_args__ = (UniqueConstraint("code_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(200), default="")
    nonce: Mapped[str | None] = mapped_column(String(255), default=None)
    code_challenge: Mapped[str | None] = mapped_column(String(128), default=None)
    code_challenge_method: Mapped[str | None] = mapped_column(String(10), default=None)
    auth_time: Mapped[int] = mapped_column(default=lambda: int(time.time()))
    expires_at: Mapped[datetime] = mapped_column()

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return None  # no authentication context classes

    def get_amr(self) -> list[str] | None:
        return None  # no authentication method references

    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()


class OidcToken(TokenMixin, TenantOwned, Base):
    """An access token with its refresh token; the tokens of one sign-in share a ``grant_id``.

    A refreshed token is marked ``rotated``: presenting its refresh token again is a reuse, and
    revokes every token of the grant.
    """

    __tablename__ = "oidc_tokens"
    __table_args__ = (UniqueConstraint("access_digest"), UniqueConstraint("refresh_digest"))

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[str] = mapped_column(String(36), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    access_digest: Mapped[str] = mapped_column(String(64))
    refresh_digest: Mapped[str | None] = mapped_column(String(64), default=None)
    scope: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[int] = mapped_column(default=lambda: int(time.time()))
    expires_in: Mapped[int] = mapped_column(default=3600)
    refresh_expires_at: Mapped[int] = mapped_column(default=0)
    rotated: Mapped[bool] = mapped_column(default=False)
    revoked: Mapped[bool] = mapped_column(default=False)

    # -- Authlib's TokenMixin ----------------------------------------------------------------

    def check_client(self, client: OidcClient) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return self.issued_at + self.expires_in < time.time()

    def is_revoked(self) -> bool:
        return self.revoked


class OidcConsent(TenantOwned, Base):
    """The scopes a customer granted a third-party client, remembered so the next sign-in skips the page."""

    __tablename__ = "oidc_consents"
    __table_args__ = (UniqueConstraint("client_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
