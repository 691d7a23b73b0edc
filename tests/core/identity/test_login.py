"""Sign-in and sign-out: generic errors, session rotation, stay signed in, throttling, next=."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.sessions.middleware import COOKIE
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, sign_in

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


async def test_login_page_has_the_contract_fields(tenant, tenant_client):
    page = await tenant_client(tenant).get("/login")
    assert page.status_code == 200
    for name in ('name="login"', 'name="password"', 'name="remember"', 'name="csrf_token"'):
        assert name in page.text


async def test_login_success_rotates_the_session_and_signs_in(tenant, tenant_client, make_user, portal):
    await make_user(tenant)
    client = tenant_client(tenant)
    await client.get("/login")
    before = client.cookies.get(COOKIE)
    response = await sign_in(client, "ADA@example.com ")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    after = client.cookies.get(COOKIE)
    assert after
    assert after != before
    home = await client.get("/profile")
    assert home.status_code == 200
    assert "ada@example.com" in home.text
    async with portal.database.session() as db:
        actions = (await db.scalars(select(AuditEvent.action))).all()
    assert "identity.login" in actions


async def test_wrong_password_and_unknown_account_get_the_same_answer(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    wrong = await sign_in(client, "ada@example.com", "not the password")
    unknown = await sign_in(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The sign-in details are incorrect"
    assert message in wrong.text
    assert message in unknown.text
    assert wrong.text.replace("ada@example.com", "X").count(message) == unknown.text.replace(
        "nobody@example.com", "X"
    ).count(message)
    assert "not the password" not in wrong.text
    assert 'value="ada@example.com"' in wrong.text


async def test_bad_form_keeps_input_and_says_what_is_missing(tenant, tenant_client):
    client = tenant_client(tenant)
    page = await client.get("/login")
    response = await client.post("/login", data={"csrf_token": csrf_of(page.text), "login": "ada@example.com"})
    assert response.status_code == 200
    assert "Enter your password." in response.text
    assert 'id="error-summary"' in response.text


async def test_stay_signed_in_cookie_lasts_twelve_hours(tenant, tenant_client, make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    client = tenant_client(tenant)
    response = await sign_in(client, "ada@example.com", remember=True)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and COOKIE in v)
    assert f"Max-Age={12 * 3600}" in cookie
    time_machine.move_to(NOW + timedelta(hours=11, minutes=59), tick=False)
    assert (await client.get("/profile")).status_code == 200
    time_machine.move_to(NOW + timedelta(hours=12, minutes=1), tick=False)
    assert (await client.get("/profile")).status_code == 303


async def test_session_without_remember_has_no_max_age_and_idles_out(tenant, tenant_client, make_user, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    client = tenant_client(tenant)
    response = await sign_in(client, "ada@example.com")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and COOKIE in v)
    assert "Max-Age" not in cookie
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert (await client.get("/profile")).status_code == 200
    time_machine.move_to(NOW + timedelta(hours=3, minutes=1), tick=False)
    assert (await client.get("/profile")).status_code == 303


async def test_logout_ends_the_session(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile")
    response = await client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    assert (await client.get("/profile")).status_code == 303
    assert (await client.get("/logout")).status_code == 405


async def test_next_is_followed_only_inside_the_tenant(tenant, tenant_client, make_user):
    await make_user(tenant)
    client = tenant_client(tenant)
    ok = await sign_in(client, "ada@example.com", next_path="/profile")
    assert ok.headers["location"] == "/profile"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        other = tenant_client(tenant)
        response = await sign_in(other, "ada@example.com", next_path=evil)
        assert response.headers["location"] == "/", evil


async def test_pending_user_with_right_password_is_told_to_confirm(tenant, tenant_client, make_user):
    await make_user(tenant, status="pending_email")
    client = tenant_client(tenant)
    response = await sign_in(client, "ada@example.com")
    assert response.status_code == 200
    assert "not confirmed yet" in response.text
    assert (await client.get("/profile")).status_code == 303


async def test_login_by_username_when_the_tenant_says_so(tenant, tenant_client, make_user, portal, monkeypatch):
    await make_user(tenant, username="ada_l")
    from core.identity import pages

    monkeypatch.setattr(pages, "login_identifiers", lambda tenant: ("username",))
    client = tenant_client(tenant)
    assert (await sign_in(client, "ada@example.com")).status_code == 200
    assert (await sign_in(client, "ADA_L")).status_code == 303


async def test_french_page(tenant, tenant_client):
    page = await tenant_client(tenant).get("/login", headers={"Accept-Language": "fr"})
    assert "Mot de passe" in page.text


async def test_password_not_echoed(tenant, tenant_client):
    client = tenant_client(tenant)
    response = await sign_in(client, "x@example.com", PASSWORD)
    assert PASSWORD not in response.text


async def test_remember_says_for_how_long(tenant, tenant_client):
    page = await tenant_client(tenant).get("/login")
    assert "Keeps you signed in on this device for 12 hours." in page.text


async def test_weak_hash_is_upgraded_at_sign_in(tenant, tenant_client, make_user, portal):
    from argon2 import PasswordHasher

    from core.identity.passwords import needs_rehash

    user = await make_user(tenant)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with portal.database.session(tenant.id) as db:
        (await db.get(type(user), user.id)).password_hash = weak
        await db.commit()
    assert needs_rehash(weak)
    assert (await sign_in(tenant_client(tenant), "ada@example.com")).status_code == 303
    async with portal.database.session(tenant.id) as db:
        stored = (await db.get(type(user), user.id)).password_hash
    assert stored != weak
    assert not needs_rehash(stored)
    assert "m=19456,t=2,p=1" in stored


async def test_operator_dev_mailbox_lists_every_tenant(app, tenant, make_user, portal, tenant_client):
    import httpx

    from tests.core.identity.identity_helpers import post_form

    await make_user(tenant)
    await post_form(tenant_client(tenant), "/password/forgot", {"email": "ada@example.com"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        page = await client.get("/dev/mail")
        assert page.status_code == 200
        assert "ada@example.com" in page.text
        link = page.text.split('href="/dev/mail/', 1)[1].split('"', 1)[0]
        assert (await client.get("/dev/mail/" + link)).status_code == 200
        assert (await client.get("/dev/mail/nope")).status_code == 404
