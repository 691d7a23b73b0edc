"""A real relying party (Authlib's async client) signs customers in through two tenants' providers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.jwk import KeySet

from core.oidc.clients import Registered
from tests.core.identity.identity_helpers import csrf_of
from tests.core.oidc.conftest import CALLBACK, PASSWORD

SCOPE = "openid profile email"


def relying_party(app: Any, host: str, registered: Registered) -> AsyncOAuth2Client:
    """Authlib's client for ``registered``, talking to the app on ``https://<host>``."""
    return AsyncOAuth2Client(
        client_id=registered.client.client_id,
        client_secret=registered.secret,
        token_endpoint_auth_method="client_secret_basic" if registered.secret else "none",
        scope=SCOPE,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        transport=httpx.ASGITransport(app=app),
        base_url=f"https://{host}",
    )


async def signed_in(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/login")
    response = await browser.post(
        "/login", data={"csrf_token": csrf_of(page.text), "login": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code in (302, 303)


async def authorize(browser: httpx.AsyncClient, url: str, *, consent: bool = False) -> str:
    """Follow the authorization URL as a signed-in customer; the callback URL it ends on."""
    response = await browser.get(url)
    if consent:
        assert response.status_code == 200, response.text
        action = urlsplit(url).path + "?" + urlsplit(url).query
        response = await browser.post(action, data={"csrf_token": csrf_of(response.text), "decision": "allow"})
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def code_flow(app: Any, browser: httpx.AsyncClient, host: str, registered: Registered, **kw: Any) -> dict:
    rp = relying_party(app, host, registered)
    verifier = generate_token(48)
    url, _state = rp.create_authorization_url(f"https://{host}/oidc/authorize", code_verifier=verifier, nonce="n-1")
    callback = await authorize(browser, url, **kw)
    assert callback.startswith(CALLBACK)
    token = await rp.fetch_token(f"https://{host}/oidc/token", authorization_response=callback, code_verifier=verifier)
    await rp.aclose()
    return dict(token)


async def id_claims(app: Any, host: str, id_token: str, audience: str) -> dict:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"https://{host}") as http:
        config = (await http.get("/.well-known/openid-configuration")).json()
        keys = KeySet.import_key_set((await http.get(config["jwks_uri"].replace(f"https://{host}", ""))).json())
    decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": config["issuer"]}, aud={"value": audience}).validate(
        decoded.claims
    )
    return decoded.claims


async def test_two_tenants_code_pkce_refresh_reuse_revoke(app, tenants, customers, make_client, browser, portal):
    for slug in ("alpha", "beta"):
        host = f"{slug}.test"
        registered = await make_client(tenants[slug], first_party=True)
        customer = browser(host)
        await signed_in(customer)
        token = await code_flow(app, customer, host, registered)
        claims = await id_claims(app, host, token["id_token"], registered.client.client_id)
        assert claims["iss"] == f"https://{host}"
        assert claims["email"] == "ada@example.com"
        assert claims["name"] == "Ada Lovelace"
        assert claims["nonce"] == "n-1"

        rp = relying_party(app, host, registered)
        rp.token = token
        info = (await rp.get("/oidc/userinfo")).json()
        assert info["sub"] == claims["sub"]
        assert info["email"] == "ada@example.com"

        refreshed = await rp.refresh_token(f"https://{host}/oidc/token", refresh_token=token["refresh_token"])
        assert refreshed["refresh_token"] != token["refresh_token"]
        with pytest.raises(OAuthError, match="invalid_grant"):  # the old refresh token again: reuse
            await rp.refresh_token(f"https://{host}/oidc/token", refresh_token=token["refresh_token"])
        with pytest.raises(OAuthError, match="invalid_grant"):  # the whole grant is revoked
            await rp.refresh_token(f"https://{host}/oidc/token", refresh_token=refreshed["refresh_token"])
        rp.token = refreshed
        assert (await rp.get("/oidc/userinfo")).status_code == 401
        await rp.aclose()


async def test_revocation_and_tenant_isolation(app, tenants, customers, make_client, browser):
    alpha = await make_client(tenants["alpha"], first_party=True)
    customer = browser("alpha.test")
    await signed_in(customer)
    token = await code_flow(app, customer, "alpha.test", alpha)

    # beta knows neither alpha's client, nor its tokens, nor its keys
    beta_rp = relying_party(app, "beta.test", alpha)
    beta_rp.token = token
    assert (await beta_rp.get("/oidc/userinfo")).status_code == 401
    with pytest.raises(OAuthError, match="invalid_client"):
        await beta_rp.refresh_token("https://beta.test/oidc/token", refresh_token=token["refresh_token"])
    with pytest.raises(Exception):  # noqa: B017, PT011 - no beta key verifies it (joserfc's error)
        await id_claims(app, "beta.test", token["id_token"], alpha.client.client_id)
    await beta_rp.aclose()

    rp = relying_party(app, "alpha.test", alpha)
    response = await rp.revoke_token(
        "https://alpha.test/oidc/revoke", token=token["refresh_token"], token_type_hint="refresh_token"
    )
    assert response.status_code == 200
    rp.token = token
    assert (await rp.get("/oidc/userinfo")).status_code == 401
    await rp.aclose()


async def test_public_client_needs_pkce_and_exact_redirect(app, tenants, customers, make_client, browser):
    public = await make_client(tenants["alpha"], confidential=False, first_party=True)
    customer = browser("alpha.test")
    await signed_in(customer)
    base = f"/oidc/authorize?response_type=code&client_id={public.client.client_id}&scope=openid"

    no_pkce = await customer.get(f"{base}&redirect_uri={CALLBACK}&state=s")
    assert no_pkce.status_code == 302
    assert parse_qs(urlsplit(no_pkce.headers["location"]).query)["error"] == ["invalid_request"]

    wrong = await customer.get(
        f"{base}&redirect_uri={CALLBACK}/other&code_challenge={'a' * 43}&code_challenge_method=S256"
    )
    assert wrong.status_code == 400  # never redirected to an unregistered address
    assert "rp.example" not in wrong.headers.get("location", "")

    token = await code_flow(app, customer, "alpha.test", public)
    assert "id_token" in token


async def test_consent_for_third_party_remembered_skipped_for_first_party(
    app, tenants, customers, make_client, browser, portal
):
    partner = await make_client(tenants["alpha"])
    customer = browser("alpha.test")
    await signed_in(customer)
    rp = relying_party(app, "alpha.test", partner)
    url, _ = rp.create_authorization_url("https://alpha.test/oidc/authorize", code_verifier=generate_token(48))
    page = await customer.get(url)
    assert page.status_code == 200
    assert "Allow Partner app?" in page.text
    refused = await customer.post(urlsplit(url).path + "?" + urlsplit(url).query, data={"decision": "allow"})
    assert refused.status_code == 403  # the consent form needs its CSRF token

    await code_flow(app, customer, "alpha.test", partner, consent=True)
    await code_flow(app, customer, "alpha.test", partner)  # remembered: no page the second time

    french = browser("alpha.test")
    french.headers["Accept-Language"] = "fr"
    await signed_in(french)
    other = await make_client(tenants["alpha"])
    rp2 = relying_party(app, "alpha.test", other)
    url2, _ = rp2.create_authorization_url("https://alpha.test/oidc/authorize", code_verifier=generate_token(48))
    page = await french.get(url2)
    assert "Autoriser Partner app" in page.text, page.text
    await rp.aclose()
    await rp2.aclose()


async def test_discovery_under_the_tenant_path(app, make_tenant):
    await make_tenant("gamma")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://portal.test") as http:
        config = (await http.get("/t/gamma/.well-known/openid-configuration")).json()
    assert config["issuer"] == "https://portal.test/t/gamma"
    assert config["token_endpoint"] == "https://portal.test/t/gamma/oidc/token"
    OpenIDProviderMetadata(config).validate()  # Authlib's check of OpenID Connect Discovery 1.0
