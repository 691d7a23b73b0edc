"""The API's second step with a recovery code: single use, the portal's mail and audit, one throttle."""

from __future__ import annotations

from typing import Any

import pyotp

from core.identity import recovery
from core.identity.models import RecoveryCode, User
from core.identity.totp import new_secret
from core.testing import mail_text
from tests.core.headless.conftest import sign_in
from tests.core.headless.test_sign_in import actions

STEP = "/api/v1/auth/second-step"


async def two_step_with_codes(portal: Any, tenant: Any, user_id: int) -> list[str]:
    """Turn two-step sign-in on for the user and return their recovery codes."""
    async with portal.database.session(tenant.id) as db:
        user = await db.get(User, user_id)
        user.totp_secret = new_secret()
        codes = await recovery.replace_codes(db, RecoveryCode, user.id, f"user:{tenant.id}:{user.id}")
        await db.commit()
    return codes


async def challenge_of(client: Any) -> str:
    answer = (await sign_in(client)).json()
    assert answer["status"] == "mfa_required"
    return str(answer["challenge"])


async def test_a_recovery_code_signs_in_once_with_mail_and_audit(api, tenants, customers, portal, mailbox):
    codes = await two_step_with_codes(portal, tenants["alpha"], customers["alpha"].id)
    client = api("alpha.test")
    done = await client.post(STEP, json={"challenge": await challenge_of(client), "recovery_code": codes[0].upper()})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "signed_in"
    mail = mail_text(await mailbox.last("ada@example.com"))
    assert "recovery code was just used" in mail
    assert "9 recovery codes are left" in mail
    assert {"identity.recovery_code_used", "api.signed_in"} <= set(await actions(portal, tenants["alpha"]))
    again = await client.post(STEP, json={"challenge": await challenge_of(client), "recovery_code": codes[0]})
    assert again.status_code == 401
    assert again.json()["error"] == "invalid_code"
    assert "recovery_code" in again.json()["fields"]


async def test_another_tenants_code_and_a_made_up_one_are_refused(api, tenants, customers, portal):
    await two_step_with_codes(portal, tenants["alpha"], customers["alpha"].id)
    beta_codes = await two_step_with_codes(portal, tenants["beta"], customers["beta"].id)
    client = api("alpha.test")
    challenge = await challenge_of(client)
    for typed in (beta_codes[0], "2345-6789-ab", "not a code"):
        refused = await client.post(STEP, json={"challenge": challenge, "recovery_code": typed})
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_code"


async def test_one_code_field_exactly(api, tenants, customers, portal):
    codes = await two_step_with_codes(portal, tenants["alpha"], customers["alpha"].id)
    client = api("alpha.test")
    challenge = await challenge_of(client)
    both = await client.post(STEP, json={"challenge": challenge, "code": "123456", "recovery_code": codes[0]})
    neither = await client.post(STEP, json={"challenge": challenge})
    assert both.status_code == neither.status_code == 422


async def test_recovery_codes_share_the_app_codes_throttle(api, tenants, customers, portal):
    codes = await two_step_with_codes(portal, tenants["alpha"], customers["alpha"].id)
    client = api("alpha.test")
    challenge = await challenge_of(client)
    async with portal.database.session(tenants["alpha"].id) as db:
        now = pyotp.TOTP((await db.get(User, customers["alpha"].id)).totp_secret).now()
    wrong = "000000" if now != "000000" else "111111"
    for typed in (wrong, "2345-6789-ab", wrong, "2345-6789-ac", "2345-6789-ad"):
        key = "code" if typed.isdigit() else "recovery_code"
        assert (await client.post(STEP, json={"challenge": challenge, key: typed})).status_code == 401
    locked = await client.post(STEP, json={"challenge": challenge, "recovery_code": codes[0]})
    assert locked.status_code == 429
    assert locked.json()["error"] == "throttled"
    async with portal.database.session(tenants["alpha"].id) as db:
        assert await recovery.remaining(db, RecoveryCode, customers["alpha"].id) == recovery.COUNT, "not burnt"
