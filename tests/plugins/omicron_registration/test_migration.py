"""Moving a legacy Customer Area account: e-mail → mail → completed profile → same username."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.api import User, UserStatus
from core.testing import csrf_of
from plugins.omicron_registration.models import LegacyAccount

from .conftest import PASSWORD, first_link, sign_in

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
