"""Customers' passkeys: adding, signing in (the core's sign-in), single-use challenges, tenants, counters, removal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.identity.models import User, UserStatus
from core.passkeys.models import Passkey
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, sign_in
from tests.core.passkeys.soft_authenticator import SoftPasskey


def device(tenant: Any) -> SoftPasskey:
    return SoftPasskey(origin=f"http://{tenant.slug}.localhost", rp_id=f"{tenant.slug}.localhost")


async def csrf(client: httpx.AsyncClient, page: str = "/login") -> dict[str, str]:
    html = (await client.get(page)).text
    return {"X-CSRF-Token": csrf_of(html) if 'name="csrf_token"' in html else ""}


async def add_passkey(client: httpx.AsyncClient, key: SoftPasskey, name: str = "Laptop") -> httpx.Response:
    headers = await csrf(client, "/profile/passkeys")
    reply = (await client.post("/profile/passkeys/options", headers=headers)).json()
    options, headers = reply["publicKey"], {"X-CSRF-Token": reply["csrfToken"]}
    return await client.post(
        "/profile/passkeys/add", headers=headers, json={"name": name, "credential": key.create(options)}
    )


async def signed_in_with_passkey(tenant: Any, tenant_client: Any, make_user: Any) -> tuple[Any, SoftPasskey]:
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    key = device(tenant)
    answer = await add_passkey(client, key)
    assert answer.status_code == 200, answer.text
    return client, key


async def passkey_sign_in(client: httpx.AsyncClient, key: SoftPasskey, **kwargs: Any) -> httpx.Response:
    headers = await csrf(client)
    reply = (await client.post("/login/passkey/options", headers=headers)).json()
    options, headers = reply["publicKey"], {"X-CSRF-Token": reply["csrfToken"]}
    return await client.post(
        "/login/passkey", headers=headers, json={"credential": key.get(options, **kwargs), "next": "/profile"}
    )


async def actions(portal: Any) -> list[str]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


async def test_a_customer_adds_a_passkey_and_signs_in_with_it(tenant, tenant_client, make_user, portal):
    client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    page = await client.get("/profile/passkeys")
    assert "Laptop" in page.text
    assert "Never" in page.text
    fresh = tenant_client(tenant)
    answer = await passkey_sign_in(fresh, key)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"redirect": "/profile"}
    profile = await fresh.get("/profile")
    assert profile.status_code == 200
    assert "ada@example.com" in profile.text
    logged = await actions(portal)
    assert "passkeys.added" in logged
    assert "passkeys.used" in logged
    async with portal.database.session() as db:
        event = await db.scalar(
            select(AuditEvent).where(AuditEvent.action == "identity.login").order_by(AuditEvent.id.desc())
        )
        stored = await db.scalar(select(Passkey))
    assert event is not None
    assert event.data["method"] == "passkey"
    assert stored is not None
    assert stored.sign_count == 1
    assert stored.last_used_at is not None


async def test_the_login_page_offers_passkeys_and_autofill(tenant, tenant_client):
    page = await tenant_client(tenant).get("/login")
    assert 'autocomplete="username webauthn"' in page.text
    assert "data-passkey-signin" in page.text
    assert "/static/plugins/passkeys/passkeys.js" in page.text


async def test_a_challenge_is_used_once(tenant, tenant_client, make_user, portal):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    fresh = tenant_client(tenant)
    reply = (await fresh.post("/login/passkey/options", headers=await csrf(fresh))).json()
    options, headers = reply["publicKey"], {"X-CSRF-Token": reply["csrfToken"]}
    first = key.get(options)
    assert (await fresh.post("/login/passkey", headers=headers, json={"credential": first})).status_code == 200
    other = tenant_client(tenant)
    replay = await other.post("/login/passkey", headers=await csrf(other), json={"credential": first})
    assert replay.status_code == 400
    headers = await csrf(fresh, "/profile")  # signed in: a new session id, a new token
    again = await fresh.post("/login/passkey", headers=headers, json={"credential": key.get(options)})
    assert again.status_code == 400


async def test_a_passkey_of_one_tenant_never_signs_in_at_another(tenant, tenant_client, make_user, make_tenant, portal):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    other = await make_tenant("beta")
    await make_user(other)
    key.origin, key.rp_id = "http://beta.localhost", "beta.localhost"  # even signed for the other host
    client = tenant_client(other)
    answer = await passkey_sign_in(client, key)
    assert answer.status_code == 400
    assert (await client.get("/profile", follow_redirects=False)).status_code == 303
    assert "passkeys.assertion_failed" in await actions(portal)


async def test_a_counter_that_goes_back_is_refused(tenant, tenant_client, make_user, portal):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    assert (await passkey_sign_in(tenant_client(tenant), key)).status_code == 200
    cloned = await passkey_sign_in(tenant_client(tenant), key, count=False)
    assert cloned.status_code == 400
    assert "passkeys.assertion_failed" in await actions(portal)


async def test_a_wrong_signature_or_origin_is_refused(tenant, tenant_client, make_user):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    impostor = SoftPasskey(origin=key.origin, rp_id=key.rp_id, credential_id=key.credential_id)
    impostor.user_handle = key.user_handle
    assert (await passkey_sign_in(tenant_client(tenant), impostor)).status_code == 400
    key.origin = "http://evil.localhost"
    assert (await passkey_sign_in(tenant_client(tenant), key)).status_code == 400


async def test_a_disabled_user_is_refused_by_the_core_sign_in(tenant, tenant_client, make_user, portal):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    async with portal.database.session(tenant.id) as db:
        passkey = await db.scalar(select(Passkey))
        assert passkey is not None
        user = await db.get(User, passkey.user_id)
        assert user is not None
        user.status = UserStatus.DISABLED
        await db.commit()
    client = tenant_client(tenant)
    answer = await passkey_sign_in(client, key)
    assert answer.status_code == 403
    assert "identity.login_refused" in await actions(portal)


async def test_registration_needs_the_session_challenge_and_csrf(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    key = device(tenant)
    forged = key.create({"challenge": "AAAA", "user": {"id": "AAAA"}})
    headers = await csrf(client, "/profile/passkeys")
    no_challenge = await client.post("/profile/passkeys/add", headers=headers, json={"credential": forged})
    assert no_challenge.status_code == 400
    assert (await client.post("/profile/passkeys/options")).status_code == 403
    reply = (await client.post("/profile/passkeys/options", headers=headers)).json()
    options, headers = reply["publicKey"], {"X-CSRF-Token": reply["csrfToken"]}
    wrong = key.create({**options, "challenge": "AAAA"})
    assert (await client.post("/profile/passkeys/add", headers=headers, json={"credential": wrong})).status_code == 400


async def test_renaming_and_removing_needs_the_password(tenant, tenant_client, make_user, portal):
    client, _key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    async with portal.database.session(tenant.id) as db:
        passkey_id = await db.scalar(select(Passkey.id))
    page = await client.get("/profile/passkeys")
    token = csrf_of(page.text)
    renamed = await client.post(f"/profile/passkeys/{passkey_id}/rename", data={"csrf_token": token, "name": "Phone"})
    assert renamed.status_code == 303
    assert "Phone" in (await client.get("/profile/passkeys")).text
    form = await client.get(f"/profile/passkeys/{passkey_id}/remove")
    token = csrf_of(form.text)
    wrong = await client.post(f"/profile/passkeys/{passkey_id}/remove", data={"csrf_token": token, "password": "nope"})
    assert wrong.status_code == 400
    assert "The current password is incorrect." in wrong.text
    right = await client.post(
        f"/profile/passkeys/{passkey_id}/remove", data={"csrf_token": token, "password": PASSWORD}
    )
    assert right.status_code == 303
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(Passkey.id)) is None
    assert "passkeys.removed" in await actions(portal)


async def test_someone_else_cannot_touch_my_passkey(tenant, tenant_client, make_user, portal):
    _client, _key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    async with portal.database.session(tenant.id) as db:
        passkey_id = await db.scalar(select(Passkey.id))
    await make_user(tenant, "bob@example.com")
    bob = tenant_client(tenant)
    await sign_in(bob, "bob@example.com")
    page = await bob.get(f"/profile/passkeys/{passkey_id}/remove")
    assert page.status_code == 404


async def test_the_passkey_pages_speak_the_visitors_language(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    login = await client.get("/login", headers={"Accept-Language": "fr"})
    assert "Utiliser une clé d’accès" in login.text
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile/passkeys", headers={"Accept-Language": "fr"})
    assert "Mes clés d’accès" in page.text


async def test_a_challenge_expires(tenant, tenant_client, make_user, time_machine):
    time_machine.move_to(datetime.now(UTC), tick=True)
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    fresh = tenant_client(tenant)
    reply = (await fresh.post("/login/passkey/options", headers=await csrf(fresh))).json()
    time_machine.shift(6 * 60)
    answer = await fresh.post(
        "/login/passkey",
        headers={"X-CSRF-Token": reply["csrfToken"]},
        json={"credential": key.get(reply["publicKey"])},
    )
    assert answer.status_code == 400


async def test_another_users_handle_is_refused(tenant, tenant_client, make_user):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    key.user_handle = b"someone else"
    assert (await passkey_sign_in(tenant_client(tenant), key)).status_code == 400


async def test_failed_passkey_sign_ins_are_throttled(tenant, tenant_client, make_user):
    _client, key = await signed_in_with_passkey(tenant, tenant_client, make_user)
    stranger = SoftPasskey(origin=key.origin, rp_id=key.rp_id)
    client = tenant_client(tenant)
    answers = [(await passkey_sign_in(client, stranger)).status_code for _ in range(11)]
    assert answers[:10] == [400] * 10
    assert answers[10] == 429
    assert (await passkey_sign_in(client, key)).status_code == 429


async def test_a_form_or_a_malformed_answer_is_refused_without_a_server_error(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    token = (await csrf(client))["X-CSRF-Token"]
    reply = (await client.post("/login/passkey/options", headers={"X-CSRF-Token": token})).json()
    as_form = await client.post("/login/passkey", data={"csrf_token": reply["csrfToken"], "credential": "x"})
    assert as_form.status_code == 400
    await sign_in(client, "ada@example.com")
    headers = await csrf(client, "/profile/passkeys")
    reply = (await client.post("/profile/passkeys/options", headers=headers)).json()
    malformed = await client.post(
        "/profile/passkeys/add", headers={"X-CSRF-Token": reply["csrfToken"]}, json={"credential": {"type": "x"}}
    )
    assert malformed.status_code == 400
    assert "could not be added" in malformed.json()["error"]
