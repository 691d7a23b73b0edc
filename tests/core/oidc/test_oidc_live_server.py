"""Authlib's client against a running server: two tenants' providers over real HTTP, by their ``/t/<slug>`` paths.

The other OIDC tests drive the app in-process; this one goes through uvicorn and the network stack as
a relying party deployed elsewhere would, discovery and JWKS included.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.oidc.clients import Registered, register_client
from core.tenancy.service import create_tenant
from tests.core.identity.identity_helpers import csrf_of
from tests.core.oidc.conftest import CALLBACK, PASSWORD

SCOPE = "openid profile email"
SLUGS = ("alpha", "beta")


@pytest.fixture
def clients(run_async: Any) -> dict[str, Registered]:
    """Tenants ``alpha`` and ``beta``, the customer ``ada@example.com`` and a confidential client on each."""

    async def setup(portal: Any) -> dict[str, Registered]:
        registered = {}
        for slug in SLUGS:
            async with portal.database.session() as db:
                tenant = await create_tenant(db, portal.plugins, slug=slug, name=slug.title(), locales=["en"])
                await db.commit()
            async with portal.database.session(tenant.id) as db:
                await create_user(
                    db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE, first_name="Ada"
                )
                registered[slug] = await register_client(
                    db, name="Partner app", redirect_uris=[CALLBACK], confidential=True, first_party=True
                )
                await db.commit()
        return registered

    return run_async(setup)


def provider_metadata(base: str) -> dict[str, Any]:
    """The tenant's discovery document."""
    response = httpx.get(f"{base}/.well-known/openid-configuration")
    assert response.status_code == 200
    return dict(response.json())


def signed_in_browser(base: str) -> httpx.Client:
    """A customer's browser (cookies kept, redirects not followed) signed in on the tenant."""
    browser = httpx.Client(base_url=base)
    page = browser.get("/login")
    answer = browser.post(
        "/login", data={"csrf_token": csrf_of(page.text), "login": "ada@example.com", "password": PASSWORD}
    )
    assert answer.status_code in (302, 303), answer.text
    return browser


def relying_party(registered: Registered) -> OAuth2Client:
    return OAuth2Client(
        client_id=registered.client.client_id,
        client_secret=registered.secret,
        scope=SCOPE,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
    )


def sign_in_through(base: str, registered: Registered) -> tuple[OAuth2Client, dict[str, Any], dict[str, Any]]:
    """The code + PKCE flow: the relying party, its token and the provider's metadata."""
    metadata = provider_metadata(base)
    rp = relying_party(registered)
    verifier = generate_token(48)
    url, _state = rp.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce="n-2")
    browser = signed_in_browser(base)
    callback = browser.get(url).headers["location"]
    browser.close()
    assert callback.startswith(CALLBACK)
    token = rp.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    return rp, dict(token), metadata


def verified_claims(metadata: dict[str, Any], id_token: str, audience: str) -> dict[str, Any]:
    """The ID token's claims, its signature checked against the provider's published JWKS."""
    keys = KeySet.import_key_set(httpx.get(metadata["jwks_uri"]).json())
    decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": metadata["issuer"]}, aud={"value": audience}).validate(
        decoded.claims
    )
    return dict(decoded.claims)


def test_two_tenants_over_http_code_pkce_jwks_refresh_and_reuse(live_server: Any, clients: dict[str, Registered]):
    for slug in SLUGS:
        base = live_server.tenant_url(slug, "").rstrip("/")
        rp, token, metadata = sign_in_through(base, clients[slug])
        assert metadata["issuer"] == base
        claims = verified_claims(metadata, token["id_token"], clients[slug].client.client_id)
        assert claims["email"] == "ada@example.com"
        assert claims["nonce"] == "n-2"
        assert rp.get(metadata["userinfo_endpoint"]).json()["sub"] == claims["sub"]

        refreshed = rp.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
        assert refreshed["refresh_token"] != token["refresh_token"]
        with pytest.raises(OAuthError, match="invalid_grant"):  # the spent refresh token again: reuse
            rp.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
        rp.token = refreshed  # reuse revoked the whole grant, the newest access token with it
        assert rp.get(metadata["userinfo_endpoint"]).status_code == 401
        rp.close()


def test_a_token_of_one_tenant_is_refused_by_the_other(live_server: Any, clients: dict[str, Registered]):
    alpha = live_server.tenant_url("alpha", "").rstrip("/")
    beta = provider_metadata(live_server.tenant_url("beta", "").rstrip("/"))
    rp, token, _metadata = sign_in_through(alpha, clients["alpha"])
    assert rp.get(beta["userinfo_endpoint"]).status_code == 401
    with pytest.raises(OAuthError, match="invalid_client"):
        rp.refresh_token(beta["token_endpoint"], refresh_token=token["refresh_token"])
    with pytest.raises(Exception):  # noqa: B017, PT011 - no key of beta verifies alpha's ID token (joserfc's error)
        verified_claims(beta, token["id_token"], clients["alpha"].client.client_id)
    rp.close()
