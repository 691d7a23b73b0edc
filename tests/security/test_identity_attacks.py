"""Attacks on identity: enumeration, brute force, token replay and cross-tenant tokens, session fixation,
CSRF, open redirects. Each must fail safely."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest

from core.identity.models import UserStatus
from core.identity.users import create_user
from core.sessions.middleware import COOKIE
from core.testing import mail_links
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, post_form, sign_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
async def tenants(make_tenant):
    return await make_tenant("acme"), await make_tenant("other")


async def _user(portal, tenant, email="ada@example.com"):
    async with portal.database.session(tenant.id) as db:
        user = await create_user(db, email=email, password=PASSWORD, status=UserStatus.ACTIVE, first_name="Ada")
        await db.commit()
    return user


def _path(link: str, slug: str) -> str:
    return link.split(f"{slug}.localhost", 1)[-1].split(f"/t/{slug}", 1)[-1]


async def test_login_enumeration_same_answer_and_similar_timing(tenants, tenant_client, portal):
    acme, _ = tenants
    await _user(portal, acme)
    client = tenant_client(acme)
    page = await client.get("/login")
    token = csrf_of(page.text)

    async def attempt(login: str) -> tuple[float, str]:
        started = time.perf_counter()
        response = await client.post("/login", data={"csrf_token": token, "login": login, "password": "wrong-one"})
        elapsed = time.perf_counter() - started
        return elapsed, response.text.replace(login, "LOGIN")

    known = [await attempt("ada@example.com") for _ in range(3)]
    unknown = [await attempt(f"ghost{i}@example.com") for i in range(3)]
    assert known[0][1] == unknown[0][1], "the page must not tell whether the account exists"
    ratio = statistics.median(t for t, _ in known) / statistics.median(t for t, _ in unknown)
    assert 0.33 < ratio < 3, ratio


async def test_registration_and_forgot_do_not_reveal_accounts(tenants, tenant_client, portal):
    acme, _ = tenants
    await _user(portal, acme)
    form = {
        "first_name": "A",
        "last_name": "B",
        "password": "a long passphrase 77",
        "password_confirm": "a long passphrase 77",
        "accept_terms": "y",
    }
    known = await post_form(tenant_client(acme), "/register", {**form, "email": "ada@example.com"})
    unknown = await post_form(tenant_client(acme), "/register", {**form, "email": "new@example.com"})
    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"])
    known = await post_form(tenant_client(acme), "/password/forgot", {"email": "ada@example.com"})
    unknown = await post_form(tenant_client(acme), "/password/forgot", {"email": "x@example.com"})
    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"])


async def test_brute_force_on_one_account_locks_it_out_then_backs_off(tenants, tenant_client, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    acme, _ = tenants
    await _user(portal, acme)
    client = tenant_client(acme)
    for _ in range(5):
        assert (await sign_in(client, "ada@example.com", "guess")).status_code == 200
    locked = await sign_in(client, "ada@example.com", PASSWORD)
    assert locked.status_code == 429, "even the right password waits during a lockout"
    assert 0 < int(locked.headers["retry-after"]) <= 300
    assert "Too many attempts" in locked.text
    time_machine.move_to(NOW + timedelta(minutes=5, seconds=1), tick=False)
    assert (await sign_in(client, "ada@example.com", PASSWORD)).status_code == 303
    from sqlalchemy import select

    from core.audit.models import AuditEvent

    async with portal.database.session() as db:
        actions = (await db.scalars(select(AuditEvent.action))).all()
    assert actions.count("identity.login_failed") == 5
    assert "identity.login_throttled" in actions


async def test_throttled_page_is_translated(tenants, tenant_client, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    acme, _ = tenants
    client = tenant_client(acme)
    client.headers["Accept-Language"] = "fr"
    for _ in range(5):
        await sign_in(client, "ada@example.com", "guess")
    locked = await sign_in(client, "ada@example.com", "guess")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.text


async def test_password_spraying_from_one_ip_is_throttled(tenants, tenant_client, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    acme, _ = tenants
    client = tenant_client(acme)
    for i in range(10):
        assert (await sign_in(client, f"user{i}@example.com", "guess")).status_code == 200
    assert (await sign_in(client, "someone@example.com", "guess")).status_code == 429
    time_machine.move_to(NOW + timedelta(minutes=1, seconds=1), tick=False)
    assert (await sign_in(client, "someone@example.com", "guess")).status_code == 200


async def test_reset_token_of_another_tenant_is_worthless(tenants, tenant_client, portal, mailbox):
    acme, other = tenants
    await _user(portal, acme)
    await _user(portal, other)
    await post_form(tenant_client(other), "/password/forgot", {"email": "ada@example.com"})
    link = next(link for link in mail_links(await mailbox.last()) if "/password/reset/" in link)
    token_path = _path(link, "other")
    on_acme = await tenant_client(acme).get(token_path)
    assert on_acme.status_code == 404
    page = await tenant_client(acme).get("/login")
    posted = await tenant_client(acme).post(
        token_path, data={"csrf_token": csrf_of(page.text), "password": "x" * 12, "password_confirm": "x" * 12}
    )
    assert posted.status_code in (403, 404)
    assert (await tenant_client(other).get(token_path)).status_code == 200


async def test_confirmation_token_replay_and_forgery(tenants, tenant_client, portal, mailbox):
    acme, _ = tenants
    form = {
        "email": "new@example.com",
        "first_name": "N",
        "last_name": "U",
        "password": "a long passphrase 77",
        "password_confirm": "a long passphrase 77",
        "accept_terms": "y",
    }
    await post_form(tenant_client(acme), "/register", form)
    link = _path(next(link for link in mail_links(await mailbox.last()) if "/confirm/" in link), "acme")
    assert (await tenant_client(acme).get(link)).status_code == 200
    assert (await tenant_client(acme).get(link)).status_code == 410
    assert (await tenant_client(acme).get(link[:-2] + "xx")).status_code == 404
    assert (await tenant_client(acme).get("/confirm/" + "A" * 500)).status_code == 404


async def test_session_fixation_is_prevented(tenants, tenant_client, portal):
    acme, _ = tenants
    await _user(portal, acme)
    client = tenant_client(acme)
    await client.get("/login")
    planted = client.cookies.get(COOKIE)
    assert planted
    await sign_in(client, "ada@example.com")
    assert client.cookies.get(COOKIE) != planted
    attacker = tenant_client(acme)
    attacker.cookies.set(COOKIE, planted)
    assert (await attacker.get("/profile")).status_code == 303


async def test_session_of_one_tenant_is_worthless_on_another(tenants, tenant_client, portal):
    acme, other = tenants
    await _user(portal, acme)
    await _user(portal, other)
    client = tenant_client(acme)
    await sign_in(client, "ada@example.com")
    stolen = client.cookies.get(COOKIE)
    thief = tenant_client(other)
    thief.cookies.set(COOKIE, stolen)
    assert (await thief.get("/profile")).status_code == 303


@pytest.mark.parametrize("path", ["/login", "/register", "/logout", "/password/forgot", "/confirm/resend"])
async def test_missing_or_forged_csrf_is_refused(tenants, tenant_client, portal, path):
    acme, _ = tenants
    await _user(portal, acme)
    client = tenant_client(acme)
    await client.get("/login")
    missing = await client.post(path, data={"login": "ada@example.com", "password": PASSWORD, "email": "a@b.cd"})
    assert missing.status_code == 403
    forged = await client.post(path, data={"csrf_token": "f" * 64, "login": "ada@example.com", "password": PASSWORD})
    assert forged.status_code == 403
    assert (await client.get("/profile")).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/%0d%0a",
    ],
)
async def test_open_redirect_in_next_is_refused(tenants, tenant_client, portal, target):
    acme, _ = tenants
    await _user(portal, acme)
    response = await sign_in(tenant_client(acme), "ada@example.com", next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_html_in_names_changes_nothing(tenants, tenant_client, portal):
    acme, _ = tenants
    response = await post_form(
        tenant_client(acme),
        "/register",
        {
            "email": "x@example.com",
            "first_name": "<img src=x onerror=alert(1)>",
            "last_name": "B",
            "password": "a long passphrase 77",
            "password_confirm": "a long passphrase 77",
            "accept_terms": "y",
        },
    )
    assert response.status_code == 200
    assert "<img src=x" not in response.text
    from core.identity.users import find_user_by_email

    async with portal.database.session(acme.id) as db:
        assert await find_user_by_email(db, "x@example.com") is None


async def test_wrong_encodings_and_nul_bytes_get_an_answer_not_a_500(tenants, tenant_client, portal):
    acme, _ = tenants
    client = tenant_client(acme)
    token = csrf_of((await client.get("/login")).text)
    body = f"csrf_token={token}&login=%ff%fe%00ada%40example.com&password=%c3%28".encode()
    response = await client.post("/login", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert "The sign-in details are incorrect" in response.text
    body = f"csrf_token={token}&email=%ff%fe&first_name=%00%00&last_name=x&password=a&password_confirm=a".encode()
    response = await client.post(
        "/register", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.text
