"""The API's messages in the request's language, and no tokens for an account the pages would hold back."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.identity import signin
from core.identity.models import User
from core.identity.policies import SessionPolicy
from core.identity.users import get_or_create_account, grant_membership
from tests.core.headless.conftest import PASSWORD, sign_in, tokens_of


async def test_messages_speak_the_requests_language_and_codes_stay_english(api, desk):
    client = api("desk.test")
    body = {"login": "ada@example.com", "password": "wrong"}
    french = await client.post("/api/v1/auth/sign-in", json=body, headers={"Accept-Language": "fr-BE, en;q=0.5"})
    assert french.status_code == 401
    assert french.json()["error"] == "invalid_credentials"
    assert french.json()["message"] == "Les informations de connexion sont incorrectes."
    german = await client.post("/api/v1/auth/sign-in", json=body, headers={"Accept-Language": "de"})
    assert german.json()["message"] == "The sign-in details are incorrect.", "not a language of the tenant: default"
    missing = await client.get("/api/v1/me", headers={"Accept-Language": "fr", "Authorization": "Bearer nope"})
    assert missing.json()["message"].startswith("Le jeton d’accès n’est pas valide")
    assert "expired, revoked or unknown" in missing.headers["www-authenticate"], "the header stays ASCII"


async def test_a_password_to_change_gets_no_tokens_but_the_page(api, tenants, customers, portal):
    async with portal.database.session(tenants["alpha"].id) as db:
        (await db.get(User, customers["alpha"].id)).must_change_password = True
        await db.commit()
    refused = await sign_in(api("alpha.test"))
    assert refused.status_code == 403
    assert refused.json()["error"] == "password_change_required"
    assert refused.json()["url"] == "https://alpha.test/profile/password"
    assert "tokens" not in refused.json()
    async with portal.database.session() as db:
        actions = set(await db.scalars(select(AuditEvent.action).where(AuditEvent.tenant_id == tenants["alpha"].id)))
    assert "api.sign_in_refused" in actions
    assert "oidc.token_issued" not in actions
    other = await tokens_of(api("beta.test"))  # another tenant's account is not held back
    assert other["access_token"]


async def test_a_required_two_step_setup_gets_no_tokens(api, tenants, customers, portal, monkeypatch):
    policy = SessionPolicy(totp_required_roles=("holder",))
    monkeypatch.setattr(signin, "session_policy", lambda tenant: policy)
    async with portal.database.session(tenants["alpha"].id) as db:
        account = await get_or_create_account(db, "A-1", name="Account A-1")
        await grant_membership(db, await db.get(User, customers["alpha"].id), account, "holder", [])
        await db.commit()
    refused = await sign_in(api("alpha.test"), password=PASSWORD)
    assert refused.status_code == 403
    assert refused.json()["error"] == "two_step_setup_required"
    assert refused.json()["url"] == "https://alpha.test/profile/totp"
    assert (await tokens_of(api("beta.test")))["access_token"], "no membership there: signed in"
