"""Key rotation (``portique oidc rotate-keys``) and RP-initiated logout."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import quote

import time_machine
from click.testing import CliRunner
from joserfc import jws

from core.cli import main
from core.db.base import utcnow
from tests.core.identity.identity_helpers import csrf_of
from tests.core.oidc.conftest import AFTER_LOGOUT
from tests.core.oidc.test_oidc_flow import code_flow, id_claims, signed_in


async def published_kids(browser) -> set[str]:
    return {key["kid"] for key in (await browser.get("/.well-known/jwks.json")).json()["keys"]}


def kid_of(token: str) -> str:
    return jws.extract_compact(token.encode()).protected["kid"]


async def test_rotation_keeps_the_old_key_published_until_its_tokens_expire(
    app, tenants, customers, make_client, browser, portique_settings, monkeypatch
):
    registered = await make_client(tenants["alpha"], first_party=True)
    customer = browser("alpha.test")
    await signed_in(customer)
    first = await code_flow(app, customer, "alpha.test", registered)
    old_kid = kid_of(first["id_token"])

    monkeypatch.setenv("PORTIQUE_DATABASE_URL", portique_settings.database_url)
    monkeypatch.setenv("PORTIQUE_SECRET_KEY", portique_settings.secret_key)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(portique_settings.var_dir))
    result = await asyncio.to_thread(CliRunner().invoke, main, ["oidc", "rotate-keys", "alpha"])
    assert result.exit_code == 0, result.output
    assert "new signing key" in result.output

    second = await code_flow(app, customer, "alpha.test", registered)
    new_kid = kid_of(second["id_token"])
    assert new_kid != old_kid
    assert await published_kids(customer) == {old_kid, new_kid}
    await id_claims(app, "alpha.test", first["id_token"], registered.client.client_id)  # still verifiable
    assert await published_kids(browser("beta.test")) & {old_kid, new_kid} == set()

    with time_machine.travel(utcnow() + timedelta(hours=2)):
        assert await published_kids(customer) == {new_kid}


async def test_logout_with_a_hint_signs_out_and_returns_to_the_client(app, tenants, customers, make_client, browser):
    registered = await make_client(tenants["alpha"], first_party=True)
    customer = browser("alpha.test")
    await signed_in(customer)
    token = await code_flow(app, customer, "alpha.test", registered)

    response = await customer.get(
        f"/oidc/logout?id_token_hint={token['id_token']}&post_logout_redirect_uri={quote(AFTER_LOGOUT)}&state=s1"
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{AFTER_LOGOUT}?state=s1"
    assert (await customer.get("/profile")).status_code in (302, 303)  # signed out


async def test_logout_without_a_hint_asks_first_and_never_redirects_elsewhere(app, tenants, customers, browser):
    customer = browser("alpha.test")
    await signed_in(customer)
    page = await customer.get("/oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F")
    assert page.status_code == 200
    assert "Sign out?" in page.text
    assert (await customer.get("/profile")).status_code == 200  # still signed in
    done = await customer.post(
        "/oidc/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F", data={"csrf_token": csrf_of(page.text)}
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    assert (await customer.get("/profile")).status_code in (302, 303)
