"""The apps' tokens, kept by the tenant's OpenID Connect provider: one first-party native client per tenant.

Tokens are :class:`~core.oidc.models.OidcToken` rows of that client (stored hashed); refreshing
runs the provider's refresh grant (rotation, and a reused refresh token revokes its whole grant);
signing out revokes the grant. An operator who disables the client in the console stops every app.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.headless.bodies import Tokens
from core.identity.models import User, UserStatus
from core.oidc.adapters import StarletteOAuth2Request
from core.oidc.grants import revoke_grant
from core.oidc.models import OidcClient, OidcToken, digest
from core.oidc.provider import run_server
from core.oidc.server import TenantAuthorizationServer
from core.tenancy.models import Tenant

CLIENT_NAME = "Native apps (API)"
SCOPE = "openid profile email offline_access"


def native_client_id(tenant: Tenant) -> str:
    """The client id of the tenant's native apps (one per tenant: client ids are unique across tenants)."""
    return f"portique-native-{tenant.id}"


async def native_client(db: AsyncSession, tenant: Tenant) -> OidcClient:
    """The tenant's native client, made on first use (public, first party, no redirect address)."""
    client_id = native_client_id(tenant)
    found: OidcClient | None = await db.scalar(select(OidcClient).where(OidcClient.client_id == client_id))
    if found is not None:
        return found
    client = OidcClient(client_id=client_id, name=CLIENT_NAME, first_party=True, scopes=SCOPE, redirect_uris=[])
    try:
        async with db.begin_nested():
            db.add(client)
    except IntegrityError:  # another request made it first
        found = await db.scalar(select(OidcClient).where(OidcClient.client_id == client_id))
        assert isinstance(found, OidcClient)
        return found
    return client


def _oauth_request(request: Request, form: dict[str, str]) -> StarletteOAuth2Request:
    """Authlib's request for the provider's grants; the API's transport is the portal's (``PORTIQUE_HTTPS``)."""
    uri = str(request.url.replace(scheme="https"))
    return StarletteOAuth2Request(request, query={}, form=form, items=list(form.items()), uri=uri)


def _tokens(token: dict[str, Any]) -> Tokens:
    return Tokens(
        access_token=token["access_token"], expires_in=int(token["expires_in"]), refresh_token=token["refresh_token"]
    )


async def issue(request: Request, db: AsyncSession, client: OidcClient, user: User) -> tuple[Tokens, str]:
    """New tokens for ``user`` (a new grant), and the grant's id; audited and committed."""

    def body(server: TenantAuthorizationServer) -> tuple[dict[str, Any], str]:
        row = server.query_client(client.client_id)
        oauth_request = _oauth_request(request, {})
        oauth_request.client = row
        oauth_request.user = user
        token = server.generate_token("password", row, user=user, scope=SCOPE, include_refresh_token=True)
        token["scope"] = SCOPE
        server.save_token(token, oauth_request)
        grant_id = server.context.db.scalar(
            select(OidcToken.grant_id).where(OidcToken.access_digest == digest(token["access_token"]))
        )
        return token, str(grant_id)

    token, grant_id = await run_server(request, db, body)
    return _tokens(token), grant_id


@dataclass
class Refreshed:
    """What a refresh gave: new tokens, or nothing (and whether the token was a reused one)."""

    tokens: Tokens | None
    reused: bool = False
    grant_id: str = ""


async def refresh(request: Request, db: AsyncSession, client: OidcClient, refresh_token: str) -> Refreshed:
    """Run the provider's refresh grant for the native client; audited and committed."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client.client_id}

    def body(server: TenantAuthorizationServer) -> Refreshed:
        response = server.create_token_response(_oauth_request(request, form))
        notes = {note.action: note for note in server.context.notes}
        if response.status_code != 200:
            reused = notes.get("oidc.refresh_reused")
            return Refreshed(None, reused=reused is not None, grant_id=reused.subject_id if reused else "")
        token = json.loads(bytes(response.body))
        return Refreshed(_tokens(token), grant_id=notes["oidc.token_refreshed"].subject_id)

    answer: Refreshed = await run_server(request, db, body)
    return answer


async def revoke(request: Request, db: AsyncSession, grant_id: str) -> None:
    """Revoke every token of a grant (signing out of an app); committed."""
    await run_server(request, db, lambda server: revoke_grant(server.context, grant_id))


async def authenticate(db: AsyncSession, tenant: Tenant, raw: str) -> tuple[User, str] | None:
    """The active user and grant of a valid access token of this tenant's native client, else ``None``."""
    row = await db.scalar(
        select(OidcToken)
        .join(OidcClient, OidcClient.client_id == OidcToken.client_id)
        .where(
            OidcToken.access_digest == digest(raw),
            OidcToken.client_id == native_client_id(tenant),
            OidcClient.enabled.is_(True),
        )
    )
    if row is None or row.revoked or row.issued_at + row.expires_in <= time.time():
        return None
    user = await db.get(User, row.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    return user, row.grant_id
