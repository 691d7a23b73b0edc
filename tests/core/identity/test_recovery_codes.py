"""Recovery codes of customers: made when two-step verification is turned on, single use, throttled."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pyotp
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.identity import recovery
from core.identity.models import RecoveryCode, User
from core.testing import mail_text
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, sign_in

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CODE = re.compile(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{2}\b")


def codes_in(page: str) -> list[str]:
    """The codes listed in the page's ``<pre>``."""
    block = page.split('<pre class="recovery-codes__list"', 1)[1].split("</pre>", 1)[0]
    return CODE.findall(html.unescape(block))


async def enable_totp(client) -> tuple[str, list[str]]:
    """Turn two-step verification on for the signed-in user: the secret and the codes shown once."""
    page = await client.get("/profile/totp")
    secret = page.text.split("<code>", 1)[1].split("</code>", 1)[0]
    done = await client.post(
        "/profile/totp", data={"csrf_token": csrf_of(page.text), "action": "enable", "code": pyotp.TOTP(secret).now()}
    )
    assert done.headers["location"] == "/profile/recovery-codes"
    shown = await client.get("/profile/recovery-codes")
    return secret, codes_in(shown.text)


async def start_sign_in(tenant_client, tenant, email="ada@example.com"):
    client = tenant_client(tenant)
    assert (await sign_in(client, email)).headers["location"] == "/login/code"
    return client


async def post_recovery(client, code: str):
    page = await client.get("/login/recovery")
    return await client.post("/login/recovery", data={"csrf_token": csrf_of(page.text), "code": code})


async def actions(portal, tenant, user_id: int) -> list[str]:
    async with portal.database.session(tenant.id) as db:
        rows = await db.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == str(user_id)).order_by(AuditEvent.id)
        )
        return list(rows)


def test_codes_are_random_readable_and_hashed_per_owner():
    codes = {recovery.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(CODE.fullmatch(code) for code in codes)
    assert not set("01ilo") & set("".join(codes))
    code = next(iter(codes))
    assert recovery.code_hash("user:1:1", code) == recovery.code_hash("user:1:1", code.upper().replace("-", " "))
    assert recovery.code_hash("user:1:1", code) != recovery.code_hash("user:1:2", code)
    assert code not in recovery.code_hash("user:1:1", code)
    assert not recovery.well_formed("0000-0000-00")
    assert not recovery.well_formed("abcd")


async def test_turning_totp_on_shows_ten_codes_once_and_stores_only_hashes(
    tenant, tenant_client, make_user, portal, time_machine
):
    time_machine.move_to(NOW, tick=False)
    user = await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    _secret, codes = await enable_totp(client)
    assert len(set(codes)) == recovery.COUNT
    again = await client.get("/profile/recovery-codes")
    assert 'class="recovery-codes__list"' not in again.text, "shown only once"
    assert "10 recovery codes are left" in again.text
    async with portal.database.session(tenant.id) as db:
        hashes = set(await db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.owner_id == user.id)))
    assert len(hashes) == recovery.COUNT
    assert not {c.replace("-", "") for c in codes} & hashes
    assert "10 left" in (await client.get("/profile")).text


async def test_a_recovery_code_signs_in_once_mails_and_audits(
    tenant, tenant_client, make_user, portal, mailbox, time_machine
):
    time_machine.move_to(NOW, tick=False)
    user = await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    _secret, codes = await enable_totp(client)
    fresh = await start_sign_in(tenant_client, tenant)
    assert "/login/recovery" in (await fresh.get("/login/code")).text
    good = await post_recovery(fresh, codes[0].upper())
    assert good.status_code == 303
    assert good.headers["location"] == "/"
    assert (await fresh.get("/profile")).status_code == 200
    assert "9 left" in (await fresh.get("/profile")).text
    mail = mail_text(await mailbox.last("ada@example.com"))
    assert "recovery code was just used" in mail
    assert "9 recovery codes are left" in mail
    assert "identity.recovery_code_used" in await actions(portal, tenant, user.id)
    other = await start_sign_in(tenant_client, tenant)
    refused = await post_recovery(other, codes[0])
    assert refused.status_code == 200
    assert "not valid or was already used" in refused.text
    assert (await other.get("/profile")).status_code == 303, "still signed out"


async def test_another_users_code_and_a_stranger_are_refused(tenant, tenant_client, make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    await make_user(tenant, "bob@example.com")
    ada = tenant_client(tenant)
    await sign_in(ada, "ada@example.com")
    _s, ada_codes = await enable_totp(ada)
    bob = tenant_client(tenant)
    await sign_in(bob, "bob@example.com")
    await enable_totp(bob)
    bob_step = await start_sign_in(tenant_client, tenant, "bob@example.com")
    assert "not valid" in (await post_recovery(bob_step, ada_codes[0])).text
    assert (await bob_step.get("/profile")).status_code == 303
    nobody = tenant_client(tenant)
    assert (await nobody.get("/login/recovery")).headers["location"] == "/login"


async def test_recovery_codes_share_the_throttle_of_app_codes(tenant, tenant_client, make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    secret, codes = await enable_totp(client)
    step = await start_sign_in(tenant_client, tenant)
    page = await step.get("/login/code")
    for _ in range(3):
        await step.post("/login/code", data={"csrf_token": csrf_of(page.text), "code": "000000"})
    for _ in range(2):
        await post_recovery(step, "2222-2222-22")
    locked = await post_recovery(step, codes[0])
    assert locked.status_code == 429, "a right code is not even checked once locked"
    app = await step.post("/login/code", data={"csrf_token": csrf_of(page.text), "code": pyotp.TOTP(secret).now()})
    assert app.status_code == 429
    time_machine.move_to(datetime(2026, 12, 3, 9, 6, tzinfo=UTC), tick=False)
    later = await start_sign_in(tenant_client, tenant)
    assert (await post_recovery(later, codes[0])).status_code == 303, "the code was not burnt while locked"


async def test_regenerating_needs_the_password_and_invalidates_old_codes(
    tenant, tenant_client, make_user, portal, time_machine
):
    time_machine.move_to(NOW, tick=False)
    user = await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    _s, old = await enable_totp(client)
    page = await client.get("/profile/recovery-codes")
    wrong = await client.post(
        "/profile/recovery-codes", data={"csrf_token": csrf_of(page.text), "current_password": "nope"}
    )
    assert wrong.status_code == 400
    assert "current password is incorrect" in wrong.text
    no_csrf = await client.post("/profile/recovery-codes", data={"current_password": PASSWORD})
    assert no_csrf.status_code in (400, 403)
    made = await client.post(
        "/profile/recovery-codes", data={"csrf_token": csrf_of(page.text), "current_password": PASSWORD}
    )
    assert made.headers["location"] == "/profile/recovery-codes"
    new = codes_in((await client.get("/profile/recovery-codes")).text)
    assert len(new) == recovery.COUNT
    assert not set(new) & set(old)
    assert "identity.recovery_codes_regenerated" in await actions(portal, tenant, user.id)
    step = await start_sign_in(tenant_client, tenant)
    assert (await post_recovery(step, old[1])).status_code == 200
    assert (await post_recovery(step, new[1])).status_code == 303


async def test_few_codes_left_warns(tenant, tenant_client, make_user, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    _s, codes = await enable_totp(client)
    async with portal.database.session(tenant.id) as db:
        for code in codes[:8]:
            assert await recovery.use_code(db, RecoveryCode, user.id, f"user:{tenant.id}:{user.id}", code)
        await db.commit()
    assert "(few left)" in (await client.get("/profile")).text
    assert "Only 2 recovery codes are left" in (await client.get("/profile/recovery-codes")).text


async def test_turning_totp_off_deletes_the_codes(tenant, tenant_client, make_user, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    secret, _codes = await enable_totp(client)
    page = await client.get("/profile/totp")
    off = await client.post(
        "/profile/totp", data={"csrf_token": csrf_of(page.text), "action": "disable", "code": pyotp.TOTP(secret).now()}
    )
    assert off.status_code == 303
    async with portal.database.session(tenant.id) as db:
        left = await db.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.owner_id == user.id))
        assert left == 0
        assert (await db.get(User, user.id)).totp_secret is None


async def test_a_code_is_burnt_once_and_an_account_deletion_deletes_the_codes(tenant, make_user, portal):
    from core.privacy.erasure import erase_core_data

    user = await make_user(tenant)
    scope = f"user:{tenant.id}:{user.id}"
    async with portal.database.session(tenant.id) as db:
        codes = await recovery.replace_codes(db, RecoveryCode, user.id, scope)
        await db.commit()
    async with portal.database.session(tenant.id) as db:
        assert await recovery.use_code(db, RecoveryCode, user.id, scope, codes[0])
        assert not await recovery.use_code(db, RecoveryCode, user.id, scope, codes[0]), "single use"
        assert not await recovery.use_code(db, RecoveryCode, user.id + 1, scope, codes[1]), "another owner"
        assert await recovery.remaining(db, RecoveryCode, user.id) == recovery.COUNT - 1
        await erase_core_data(portal, db, await db.get(User, user.id))
        await db.commit()
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(func.count()).select_from(RecoveryCode)) == 0
