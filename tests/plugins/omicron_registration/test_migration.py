"""Moving a legacy Customer Area account: e-mail → mail → completed profile → same username."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.api import User, UserStatus
from core.testing import csrf_of, mail_text
from plugins.omicron_registration.models import LegacyAccount

from .conftest import FORM, PASSWORD, first_link, register, sign_in

LEGACY = "Old.User@Example.com"


async def _request_link(client, email: str = "old.user@example.com"):
    page = await client.get("/omicron/migrate")
    return await client.post("/omicron/migrate", data={"email": email, "csrf_token": csrf_of(page.text)})


async def _complete(client, path: str, **overrides: str):
    page = await client.get(path)
    data = {
        "first_name": "Olga",
        "last_name": "Old",
        "company": "Legacy AG",
        "country": "DE",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": "y",
        "csrf_token": csrf_of(page.text),
        **overrides,
    }
    return page, await client.post(path, data=data)


async def test_legacy_user_migrates_and_keeps_the_username(portal, omicron, registry, tenant_client, mailbox):
    client = tenant_client(omicron)
    sent = await _request_link(client)
    assert "Check your mailbox" in sent.text
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    page, done = await _complete(client, path)
    assert "olduser" in page.text
    assert 'value="Olga"' in page.text  # known data is pre-filled
    assert done.status_code == 303
    assert done.headers["location"].endswith("/omicron/welcome")
    welcome = await client.get("/omicron/welcome")
    assert "olduser" in welcome.text
    async with portal.database.session(omicron.id) as db:
        user = await db.scalar(select(User).where(User.email_normalized == "old.user@example.com"))
        legacy = await db.scalar(select(LegacyAccount))
    assert user.username == "olduser"
    assert user.status == UserStatus.ACTIVE
    assert legacy.migrated_at is not None
    assert legacy.user_id == user.id
    other = tenant_client(omicron)
    assert (await sign_in(other, "olduser")).status_code == 303
    assert (await sign_in(tenant_client(omicron), "old.user@example.com")).status_code == 303


async def test_migration_link_is_single_use(omicron, registry, tenant_client, mailbox):
    client = tenant_client(omicron)
    await _request_link(client)
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    await _complete(client, path)
    again = await tenant_client(omicron).get(path)
    assert again.status_code == 410
    assert "already" in again.text


async def test_migration_link_expires(omicron, registry, tenant_client, mailbox, time_machine):
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    client = tenant_client(omicron)
    await _request_link(client)
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    time_machine.move_to(start + timedelta(days=7, minutes=1), tick=False)
    expired = await client.get(path)
    assert expired.status_code == 410
    assert "expired" in expired.text


async def test_unknown_address_gets_the_same_answer_and_no_mail(omicron, registry, tenant_client, mailbox):
    response = await _request_link(tenant_client(omicron), "stranger@example.com")
    assert "Check your mailbox" in response.text
    assert await mailbox.messages("stranger@example.com") == []


async def test_completion_form_keeps_input_and_explains_each_problem(omicron, registry, tenant_client, mailbox):
    client = tenant_client(omicron)
    await _request_link(client)
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    _, response = await _complete(client, path, company="", password_confirm="different", first_name="Olgaa")
    assert response.status_code == 200
    assert "Enter the name of your company." in response.text
    assert "The two passwords are not the same." in response.text
    assert 'value="Olgaa"' in response.text
    assert PASSWORD not in response.text


async def test_token_of_another_tenant_is_worthless(portal, omicron, registry, make_tenant, tenant_client, mailbox):
    other = await make_tenant("omiother", plugins=["omicron_registration"])
    await _request_link(tenant_client(omicron))
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    response = await tenant_client(other).get(path)
    assert response.status_code == 410
    assert "olduser" not in response.text


async def test_link_requests_are_throttled_per_address(omicron, registry, tenant_client, mailbox):
    client = tenant_client(omicron)
    for _ in range(3):
        await _request_link(client)
    assert len(await mailbox.messages(LEGACY)) == 1


async def test_link_cannot_create_a_second_account_for_the_same_address(
    portal, omicron, registry, tenant_client, mailbox
):
    from core.api import create_user

    client = tenant_client(omicron)
    await _request_link(client)
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    async with portal.database.session(omicron.id) as db:
        await create_user(db, email="old.user@example.com", password=PASSWORD, status="active")
        await db.commit()
    _, response = await _complete(client, path)
    assert response.status_code == 409
    assert "already exists" in response.text
    async with portal.database.session(omicron.id) as db:
        users = (await db.scalars(select(User).where(User.email_normalized == "old.user@example.com"))).all()
    assert len(users) == 1
    assert users[0].username is None


# -- from the registration page (FAQ 1.9: enter the e-mail of the old account, send, follow the instructions)

EMPTY_FORM = {name: "" for name in FORM if name != "email"}


def _same(text: str, email: str = "") -> str:
    """A page without its CSRF tokens (and the address typed), to compare two answers."""
    return re.sub(r"[0-9a-f]{64}", "TOKEN", text.replace(email, "ADDRESS") if email else text)


async def _register_email_only(client, email: str):
    return await register(client, email=email, **EMPTY_FORM)


async def test_an_email_alone_on_the_registration_page_starts_the_migration(
    portal, omicron, registry, tenant_client, mailbox
):
    client = tenant_client(omicron)
    response = await _register_email_only(client, "old.user@example.com")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/omicron/migrate/sent")
    sent = await client.get(response.headers["location"])
    assert "Check your mailbox" in sent.text
    assert "fill in the whole form" in sent.text  # a new customer who only typed the address knows what to do
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    page, done = await _complete(client, path)
    assert "olduser" in page.text
    assert done.status_code == 303
    assert (await sign_in(tenant_client(omicron), "olduser")).status_code == 303


async def test_an_email_alone_gets_the_same_answer_whatever_the_address(
    portal, omicron, registry, tenant_client, mailbox
):
    from core.api import create_user

    async with portal.database.session(omicron.id) as db:
        await create_user(db, email="member@example.com", password=PASSWORD, username="member", status="active")
        await db.commit()
    answers = []
    for email in ("old.user@example.com", "stranger@example.com", "member@example.com"):
        client = tenant_client(omicron)
        response = await _register_email_only(client, email)
        followed = await client.get(response.headers["location"])
        answers.append((response.status_code, response.headers["location"], followed.status_code, _same(followed.text)))
    assert answers[0] == answers[1] == answers[2]
    assert len(await mailbox.messages(LEGACY)) == 1
    assert await mailbox.messages("stranger@example.com") == []
    assert await mailbox.messages("member@example.com") == []


async def test_a_partly_filled_form_is_checked_field_by_field_for_any_address(omicron, registry, tenant_client):
    legacy = await register(
        tenant_client(omicron),
        email="old.user@example.com",
        first_name="Olga",
        **{name: "" for name in EMPTY_FORM if name != "first_name"},
    )
    stranger = await register(
        tenant_client(omicron),
        email="stranger@example.com",
        first_name="Olga",
        **{name: "" for name in EMPTY_FORM if name != "first_name"},
    )
    assert legacy.status_code == stranger.status_code == 200
    assert "Enter the name of your company." in legacy.text
    assert _same(legacy.text, "old.user@example.com") == _same(stranger.text, "stranger@example.com")


async def test_a_whole_form_with_a_legacy_address_answers_like_any_registration(
    portal, omicron, registry, tenant_client, mailbox
):
    legacy = await register(tenant_client(omicron), email="old.user@example.com", username="olga2026")
    newcomer = await register(tenant_client(omicron), email="new.user@example.com", username="newuser")
    assert legacy.status_code == newcomer.status_code == 303
    assert legacy.headers["location"] == newcomer.headers["location"]
    assert legacy.headers["location"].endswith("/register/done")
    async with portal.database.session(omicron.id) as db:
        assert await db.scalar(select(User).where(User.email_normalized == "old.user@example.com")) is None
    text = mail_text(await mailbox.last(LEGACY))
    assert "type it once more" in text  # the mail says what becomes of the password typed on the form
    assert "olduser" in text


async def test_what_the_registration_form_held_moves_with_the_account(
    portal, omicron, registry, tenant_client, mailbox
):
    client = tenant_client(omicron)
    await register(
        client,
        email="old.user@example.com",
        first_name="Olga",
        last_name="Neumann",
        company="Acme GmbH",
        country="DE",
        serial_number="ab123z",  # Acme's CPC 100: verified automatically
    )
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    page = await client.get(path)
    assert 'value="Neumann"' in page.text  # what was typed, not the old record ("Old")
    assert 'value="Acme GmbH"' in page.text
    assert 'name="password_confirm"' in page.text
    # the password chosen on the registration form, typed once more, becomes the account's password
    data = {"first_name": "Olga", "last_name": "Neumann", "company": "Acme GmbH", "country": "DE",
            "password": PASSWORD, "accept_terms": "y", "csrf_token": csrf_of(page.text)}  # fmt: skip
    done = await client.post(path, data=data)
    assert done.status_code == 303
    welcome = await client.get("/omicron/welcome")
    assert "The device AB123Z was added." in welcome.text
    assert (await sign_in(tenant_client(omicron), "olduser", PASSWORD)).status_code == 303
    devices = await client.get("/omicron/devices")
    assert "AB123Z" in devices.text
    assert "CPC 100" in devices.text


async def test_the_registration_password_is_kept_hashed_and_only_its_author_can_keep_it(
    portal, omicron, registry, tenant_client, mailbox
):
    from core.api import ActionToken

    await register(tenant_client(omicron), email="old.user@example.com", password="Someone-Else-4711",
                   password_confirm="Someone-Else-4711")  # fmt: skip
    async with portal.database.session(omicron.id) as db:
        token = await db.scalar(select(ActionToken).where(ActionToken.purpose == "omicron_migrate"))
    assert token.payload["password_hash"].startswith("$argon2id$")
    assert "Someone-Else-4711" not in str(token.payload)
    client = tenant_client(omicron)
    path = await first_link(mailbox, LEGACY, "/omicron/migrate/")
    page = await client.get(path)
    base = {"first_name": "Olga", "last_name": "Old", "company": "Legacy AG", "country": "DE", "accept_terms": "y"}
    # whoever opens the link without knowing that password cannot adopt it
    wrong = await client.post(path, data={**base, "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 200
    assert "This is not the password you chose on the registration form" in wrong.text
    assert 'value="Olga"' in wrong.text
    # a new password, repeated, is always possible
    done = await client.post(
        path, data={**base, "password": PASSWORD, "password_confirm": PASSWORD, "csrf_token": csrf_of(wrong.text)}
    )
    assert done.status_code == 303
    assert (await sign_in(tenant_client(omicron), "olduser", PASSWORD)).status_code == 303
    assert (await sign_in(tenant_client(omicron), "olduser", "Someone-Else-4711")).status_code == 200
