"""Signing in from an app: password, throttling, the authenticator step, refresh, sign-out, bearer checks."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.identity.models import User
from core.identity.totp import new_secret
from tests.core.headless.conftest import PASSWORD, bearer, sign_in, tokens_of


async def actions(portal, tenant) -> list[str]:
    async with portal.database.session() as db:
        rows = await db.scalars(
            select(AuditEvent.action).where(AuditEvent.tenant_id == tenant.id).order_by(AuditEvent.id)
        )
        return list(rows)


async def test_sign_in_gives_tokens_that_open_the_profile(api, tenants, customers, portal):
    client = api("alpha.test")
    tokens = await tokens_of(client)
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    me = await client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["two_step"] is False
    assert me.headers["cache-control"] == "no-store"
    assert {"identity.login", "oidc.token_issued", "api.signed_in"} <= set(await actions(portal, tenants["alpha"]))


async def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(api, tenants, customers):
    client = api("alpha.test")
    wrong = await sign_in(client, password="not the password")
    unknown = await sign_in(client, login="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "invalid_credentials",
            "message": "The sign-in details are incorrect.",
            "fields": {},
        }
    )


async def test_sign_in_is_throttled_per_account(api, tenants, customers):
    client = api("alpha.test")
    for _ in range(5):
        assert (await sign_in(client, password="wrong")).status_code == 401
    locked = await sign_in(client)  # even the right password waits
    assert locked.status_code == 429
    assert locked.json()["error"] == "throttled"
    assert int(locked.headers["retry-after"]) > 0


async def test_a_bad_body_is_a_422_with_field_errors(api, tenants, customers):
    response = await api("alpha.test").post("/api/v1/auth/sign-in", json={"login": ""})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"login", "password"}


async def test_two_step_users_answer_a_challenge_with_their_code(api, tenants, customers, portal):
    secret = new_secret()
    async with portal.database.session(tenants["alpha"].id) as db:
        user = await db.get(User, customers["alpha"].id)
        user.totp_secret = secret
        await db.commit()
    client = api("alpha.test")
    first = await sign_in(client)
    assert first.status_code == 200
    body = first.json()
    assert body["status"] == "mfa_required"
    assert body["tokens"] is None
    assert body["challenge_expires_in"] == 300
    step = {"challenge": body["challenge"], "code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    wrong = await client.post("/api/v1/auth/second-step", json=step)
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_code"
    step["code"] = pyotp.TOTP(secret).now()
    done = await client.post("/api/v1/auth/second-step", json=step)
    assert done.status_code == 200
    assert done.json()["status"] == "signed_in"
    again = await client.post("/api/v1/auth/second-step", json=step)  # a challenge is used once
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_challenge"
    forged = await client.post("/api/v1/auth/second-step", json={**step, "challenge": "x" * 43})
    assert forged.status_code == 401


async def test_the_challenge_expires(frozen, api, tenants, customers, portal):
    async with portal.database.session(tenants["alpha"].id) as db:
        user = await db.get(User, customers["alpha"].id)
        user.totp_secret = secret = new_secret()
        await db.commit()
    client = api("alpha.test")
    challenge = (await sign_in(client)).json()["challenge"]
    frozen.shift(timedelta(minutes=6))
    late = await client.post(
        "/api/v1/auth/second-step", json={"challenge": challenge, "code": pyotp.TOTP(secret).now()}
    )
    assert late.status_code == 401


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_sign_in(api, tenants, customers, portal):
    client = api("alpha.test")
    first = await tokens_of(client)
    second = (await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/me", headers=bearer(second["access_token"]))).status_code == 200
    reused = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["error"] == "invalid_grant"
    revoked = await client.get("/api/v1/me", headers=bearer(second["access_token"]))
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"].startswith("Bearer")
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401
    events = await actions(portal, tenants["alpha"])
    assert {"api.token_refreshed", "oidc.refresh_reused", "api.refresh_reused"} <= set(events)


async def test_sign_out_revokes_access_and_refresh_tokens(api, tenants, customers, portal):
    client = api("alpha.test")
    tokens = await tokens_of(client)
    out = await client.post("/api/v1/auth/sign-out", headers=bearer(tokens["access_token"]))
    assert out.status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(tokens["access_token"]))).status_code == 401
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    assert "api.signed_out" in await actions(portal, tenants["alpha"])


async def test_an_expired_access_token_is_a_401_with_www_authenticate(frozen, api, tenants, customers):
    client = api("alpha.test")
    tokens = await tokens_of(client)
    frozen.shift(timedelta(seconds=3601))
    response = await client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    renewed = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200  # the refresh token lives on


async def test_another_tenants_tokens_are_refused(api, tenants, customers):
    tokens = await tokens_of(api("alpha.test"))
    beta = api("beta.test")
    assert (await beta.get("/api/v1/me", headers=bearer(tokens["access_token"]))).status_code == 401
    refresh = await beta.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401


async def test_a_session_cookie_is_no_bearer_token(api, tenants, customers):
    from tests.core.oidc.test_oidc_flow import signed_in

    page = api("alpha.test")
    await signed_in(page)
    response = await page.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    posted = await page.post("/api/v1/auth/sign-out")  # no CSRF check, and still no cookie authentication
    assert posted.status_code == 401


async def test_an_oidc_clients_token_is_not_an_api_token(api, tenants, customers, portal):
    from core.oidc.models import OidcToken, digest

    async with portal.database.session(tenants["alpha"].id) as db:
        db.add(
            OidcToken(
                grant_id="g-1", client_id="partner", user_id=customers["alpha"].id, access_digest=digest("t" * 42)
            )
        )
        await db.commit()
    response = await api("alpha.test").get("/api/v1/me", headers=bearer("t" * 42))
    assert response.status_code == 401


async def test_errors_are_json_everywhere(api, tenants, customers):
    client = api("alpha.test")
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    method = await client.delete("/api/v1/me")
    assert method.status_code == 405
    assert method.json()["error"] == "method_not_allowed"
    garbage = await client.post(
        "/api/v1/auth/sign-in", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 422
    assert garbage.headers["content-type"] == "application/json"


async def test_a_disabled_native_client_stops_the_apps(api, tenants, customers, portal):
    from core.headless.tokens import native_client

    client = api("alpha.test")
    tokens = await tokens_of(client)
    async with portal.database.session(tenants["alpha"].id) as db:
        (await native_client(db, tenants["alpha"])).enabled = False
        await db.commit()
    assert (await client.get("/api/v1/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await sign_in(client)).json()["error"] == "client_disabled"


async def test_the_api_answers_under_the_tenants_path_too(api, tenants, customers, portal):
    client = api("portal.test")
    answer = await client.post("/t/alpha/api/v1/auth/sign-in", json={"login": "ada@example.com", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    token = answer.json()["tokens"]["access_token"]
    assert (await client.get("/t/alpha/api/v1/me", headers=bearer(token))).json()["email"] == "ada@example.com"
    assert (await client.get("/t/beta/api/v1/me", headers=bearer(token))).status_code == 401


async def test_wrong_codes_are_throttled_per_account(api, tenants, customers, portal):
    async with portal.database.session(tenants["alpha"].id) as db:
        user = await db.get(User, customers["alpha"].id)
        user.totp_secret = secret = new_secret()
        await db.commit()
    client = api("alpha.test")
    challenge = (await sign_in(client)).json()["challenge"]
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    for _ in range(5):
        answer = await client.post("/api/v1/auth/second-step", json={"challenge": challenge, "code": wrong})
        assert answer.status_code == 401
    right = {"challenge": challenge, "code": pyotp.TOTP(secret).now()}
    locked = await client.post("/api/v1/auth/second-step", json=right)
    assert locked.status_code == 429
    assert locked.json()["error"] == "throttled"
