"""Password reset, invitations, profile: password, e-mail, language, sessions, forced change, TOTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from core.identity import flows
from core.identity.models import Membership, UserStatus
from core.identity.users import get_or_create_account
from core.sessions.middleware import COOKIE
from core.testing import mail_links, mail_text
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, load_user, post_form, sign_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
NEW = "a brand new secret 42"


def path_of(link: str) -> str:
    return link.split("acme.localhost", 1)[-1].split("/t/acme", 1)[-1]


async def test_forgot_password_then_reset_then_sign_in(tenant, tenant_client, make_user, mailbox, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    other_device = tenant_client(tenant)
    await sign_in(other_device, "ada@example.com")
    assert (await other_device.get("/profile")).status_code == 200

    client = tenant_client(tenant)
    sent = await post_form(client, "/password/forgot", {"email": "ADA@example.com"})
    assert sent.status_code == 303
    assert "1 hour" in (await client.get(sent.headers["location"])).text
    mail = await mailbox.last("ada@example.com")
    assert "1 hour" in mail_text(mail)
    link = path_of(next(link for link in mail_links(mail) if "/password/reset/" in link))
    page = await client.get(link)
    assert page.status_code == 200
    weak = await client.post(
        link, data={"csrf_token": csrf_of(page.text), "password": "password", "password_confirm": "password"}
    )
    assert "Use at least 10 characters." in weak.text
    done = await client.post(link, data={"csrf_token": csrf_of(page.text), "password": NEW, "password_confirm": NEW})
    assert done.status_code == 303
    assert (await other_device.get("/profile")).status_code == 303, "every session ends at a reset"
    assert (await sign_in(client, "ada@example.com")).status_code == 200
    assert (await sign_in(client, "ada@example.com", NEW)).status_code == 303
    replay = await tenant_client(tenant).get(link)
    assert replay.status_code == 410


async def test_reset_link_expires_after_an_hour(tenant, tenant_client, make_user, mailbox, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    client = tenant_client(tenant)
    await post_form(client, "/password/forgot", {"email": "ada@example.com"})
    link = path_of(next(link for link in mail_links(await mailbox.last()) if "/password/reset/" in link))
    time_machine.move_to(NOW + timedelta(minutes=61), tick=False)
    expired = await client.get(link)
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    assert "Ask for a new link" in expired.text


async def test_forgot_password_is_enumeration_safe(tenant, tenant_client, make_user, mailbox):
    await make_user(tenant)
    client = tenant_client(tenant)
    known = await post_form(client, "/password/forgot", {"email": "ada@example.com"})
    unknown = await post_form(client, "/password/forgot", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    assert await mailbox.messages("nobody@example.com") == []


async def test_change_password_needs_the_current_one_and_ends_other_sessions(tenant, tenant_client, make_user, mailbox):
    await make_user(tenant)
    other = tenant_client(tenant)
    await sign_in(other, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    wrong = await post_form(
        client, "/profile/password", {"current_password": "nope", "password": NEW, "password_confirm": NEW}
    )
    assert "The current password is incorrect." in wrong.text
    ok = await post_form(
        client, "/profile/password", {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW}
    )
    assert ok.status_code == 303
    assert (await client.get("/profile")).status_code == 200, "the current session stays"
    assert (await other.get("/profile")).status_code == 303, "other sessions end"
    assert "was just changed" in mail_text(await mailbox.last("ada@example.com"))


async def test_change_email_confirms_new_address_and_notifies_old(tenant, tenant_client, make_user, mailbox, portal):
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    response = await post_form(client, "/profile/email", {"email": "ada@new.example", "current_password": PASSWORD})
    assert response.status_code == 303
    assert (await load_user(portal, tenant, "ada@example.com")) is not None
    link = path_of(
        next(link for link in mail_links(await mailbox.last("ada@new.example")) if "/profile/email/" in link)
    )
    confirmed = await client.get(link)
    assert confirmed.status_code == 303
    assert (await load_user(portal, tenant, "ada@new.example")) is not None
    assert (await load_user(portal, tenant, "ada@example.com")) is None
    notice = await mailbox.last("ada@example.com")
    assert "ada@new.example" in mail_text(notice)
    assert (await client.get(link)).status_code == 410


async def test_profile_language_is_saved_and_used(tenant, tenant_client, make_user, portal):
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    saved = await post_form(client, "/profile", {"first_name": "Ada", "last_name": "King", "locale": "fr"})
    assert saved.status_code == 303
    page = await client.get("/profile")
    assert 'lang="fr"' in page.text
    assert "Mon profil" in page.text
    user = await load_user(portal, tenant, "ada@example.com")
    assert user.locale == "fr"
    assert user.last_name == "King"
    bad = await post_form(client, "/profile", {"first_name": "<b>", "last_name": "", "locale": "xx"})
    assert bad.status_code == 200
    assert (await load_user(portal, tenant, "ada@example.com")).first_name == "Ada"


async def test_sessions_are_listed_and_can_be_revoked(tenant, tenant_client, make_user):
    await make_user(tenant)
    phone = tenant_client(tenant)
    await sign_in(phone, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile/sessions")
    assert page.text.count('name="session"') == 1
    assert "this session" in page.text
    revoke = await post_form(client, "/profile/sessions", {"all": "others"})
    assert revoke.status_code == 303
    assert (await phone.get("/profile")).status_code == 303
    assert (await client.get("/profile")).status_code == 200
    forged = await post_form(client, "/profile/sessions", {"session": "0" * 64})
    assert forged.status_code == 404


async def test_temporary_password_forces_a_change(tenant, tenant_client, make_user, portal):
    user = await make_user(tenant)
    async with portal.database.session(tenant.id) as db:
        me = await db.get(type(user), user.id)
        temporary = await flows.set_temporary_password(db, me)
        await db.commit()
    client = tenant_client(tenant)
    response = await sign_in(client, "ada@example.com", temporary)
    assert response.headers["location"] == "/profile/password"
    blocked = await client.get("/")
    assert blocked.status_code == 303
    assert blocked.headers["location"] == "/profile/password"
    page = await client.get("/profile/password")
    assert "You must choose a new password" in page.text
    ok = await post_form(
        client, "/profile/password", {"current_password": temporary, "password": NEW, "password_confirm": NEW}
    )
    assert ok.status_code == 303
    assert (await client.get("/")).status_code == 200
    assert (await load_user(portal, tenant, "ada@example.com")).must_change_password is False


async def test_invitation_sets_password_and_grants_only_given_permissions(
    tenant, tenant_client, make_user, mailbox, portal
):
    holder = await make_user(tenant, account="A-1")
    async with portal.database.session(tenant.id) as db:
        account = await get_or_create_account(db, "A-1")
        inviter = await db.get(type(holder), holder.id)
        invited = await flows.invite_user(
            db,
            tenant,
            account,
            email="bob@example.com",
            first_name="Bob",
            last_name="B",
            role="member",
            permissions=["orders"],
            invited_by=inviter,
        )
        await db.commit()
        assert invited.status == UserStatus.INVITED
    mail = await mailbox.last("bob@example.com")
    assert "Ada Lovelace invited you" in mail_text(mail)
    link = path_of(next(link for link in mail_links(mail) if "/invitation/" in link))
    client = tenant_client(tenant)
    assert (await sign_in(client, "bob@example.com", "whatever-pass")).status_code == 200
    page = await client.get(link)
    assert "Bob" in page.text
    done = await client.post(link, data={"csrf_token": csrf_of(page.text), "password": NEW, "password_confirm": NEW})
    assert done.status_code == 303
    assert (await sign_in(client, "bob@example.com", NEW)).status_code == 303
    async with portal.database.session(tenant.id) as db:
        membership = await db.scalar(select(Membership).where(Membership.user_id == invited.id))
        assert membership.permissions == ["orders"]
        assert membership.role == "member"


async def test_totp_second_step(tenant, tenant_client, make_user, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_user(tenant)
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile/totp")
    secret = page.text.split("<code>", 1)[1].split("</code>", 1)[0]
    wrong = await client.post(
        "/profile/totp", data={"csrf_token": csrf_of(page.text), "action": "enable", "code": "000000"}
    )
    assert "This code is not valid" in wrong.text
    enabled = await client.post(
        "/profile/totp", data={"csrf_token": csrf_of(page.text), "action": "enable", "code": pyotp.TOTP(secret).now()}
    )
    assert enabled.status_code == 303
    fresh = tenant_client(tenant)
    step = await sign_in(fresh, "ada@example.com")
    assert step.headers["location"] == "/login/code"
    assert (await fresh.get("/profile")).status_code == 303, "not signed in before the code"
    code_page = await fresh.get("/login/code")
    bad = await fresh.post("/login/code", data={"csrf_token": csrf_of(code_page.text), "code": "123456"})
    assert "This code is not valid" in bad.text
    good = await fresh.post(
        "/login/code", data={"csrf_token": csrf_of(code_page.text), "code": pyotp.TOTP(secret).now()}
    )
    assert good.status_code == 303
    assert (await fresh.get("/profile")).status_code == 200


async def test_totp_step_with_an_unusable_stored_secret_answers_the_code_page(tenant, tenant_client, make_user, portal):
    user = await make_user(tenant)
    async with portal.database.session(tenant.id) as db:
        (await db.get(type(user), user.id)).totp_secret = "PORTIQUEDEMOTOTP"  # 80 bits: pyotp refuses it
        await db.commit()
    client = tenant_client(tenant)
    assert (await sign_in(client, "ada@example.com")).headers["location"] == "/login/code"
    code_page = await client.get("/login/code")
    for code in ("123456", "²²²²²²"):
        answer = await client.post("/login/code", data={"csrf_token": csrf_of(code_page.text), "code": code})
        assert answer.status_code == 200
        assert "This code is not valid" in answer.text
    assert (await client.get("/profile")).status_code == 303, "still signed out"


async def test_dev_mailbox_lists_tenant_mail_in_debug_only(tenant, tenant_client, make_user, mailbox, portal):
    await make_user(tenant)
    client = tenant_client(tenant)
    await post_form(client, "/password/forgot", {"email": "ada@example.com"})
    listing = await client.get("/dev/mail")
    assert listing.status_code == 200
    assert "Choose a new password" in listing.text
    message_path = listing.text.split('href="/dev/mail/', 1)[1].split('"', 1)[0]
    message = await client.get("/dev/mail/" + message_path)
    assert '<a href="http' in message.text
    assert "/password/reset/" in message.text
    portal.settings.debug = False
    try:
        assert (await client.get("/dev/mail")).status_code == 404
    finally:
        portal.settings.debug = True


async def test_signed_in_cookie_is_httponly_and_lax(tenant, tenant_client, make_user):
    await make_user(tenant)
    response = await sign_in(tenant_client(tenant), "ada@example.com")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and COOKIE in v)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


async def test_tenant_requires_totp_for_holders(tenant, tenant_client, make_user, portal, monkeypatch, time_machine):
    from core.identity import profile, signin
    from core.identity.policies import SessionPolicy

    time_machine.move_to(NOW, tick=False)
    policy = SessionPolicy(totp_required_roles=("holder", "admin"))
    monkeypatch.setattr(signin, "session_policy", lambda tenant: policy)
    monkeypatch.setattr(profile, "session_policy", lambda tenant: policy)
    await make_user(tenant, account="A-1", role="holder")
    await make_user(tenant, "mem@example.com", account="A-1", role="member")
    member = tenant_client(tenant)
    assert (await sign_in(member, "mem@example.com")).headers["location"] == "/"
    client = tenant_client(tenant)
    response = await sign_in(client, "ada@example.com")
    assert response.headers["location"] == "/profile/totp"
    blocked = await client.get("/account/users")
    assert blocked.headers["location"] == "/profile/totp"
    page = await client.get("/profile/totp")
    assert "Your role requires two-step verification" in page.text
    secret = page.text.split("<code>", 1)[1].split("</code>", 1)[0]
    enabled = await client.post(
        "/profile/totp", data={"csrf_token": csrf_of(page.text), "action": "enable", "code": pyotp.TOTP(secret).now()}
    )
    assert enabled.status_code == 303
    assert (await client.get("/account/users")).status_code == 200
    page = await client.get("/profile/totp")
    assert "cannot be turned off" in page.text
    assert 'value="disable"' not in page.text
