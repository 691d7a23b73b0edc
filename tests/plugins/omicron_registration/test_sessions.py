"""Sign-in on the OMICRON tenant: username or e-mail, and "keep me signed in" for 12 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from core.api import utcnow

from .conftest import PASSWORD, sign_in


async def _customer(portal, omicron) -> None:
    from core.api import create_user

    async with portal.database.session(omicron.id) as db:
        user = await create_user(
            db, email="eva@acme.example", password=PASSWORD, username="eva", status="active", company="Acme GmbH"
        )
        user.confirmed_at = utcnow()
        await db.commit()


def _restarted_browser(app, client: httpx.AsyncClient) -> httpx.AsyncClient:
    """A new client keeping only the cookies that survive a browser restart (those with an expiry)."""
    fresh = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=str(client.base_url))
    for cookie in client.cookies.jar:
        if cookie.expires is not None:
            fresh.cookies.jar.set_cookie(cookie)
    return fresh


async def test_sign_in_by_username_or_email(portal, omicron, tenant_client):
    await _customer(portal, omicron)
    assert (await sign_in(tenant_client(omicron), "EVA")).status_code == 303
    assert (await sign_in(tenant_client(omicron), "Eva@Acme.example")).status_code == 303
    profile_client = tenant_client(omicron)
    await sign_in(profile_client, "eva@acme.example")
    assert "<dd>eva</dd>" in (await profile_client.get("/profile")).text  # the profile shows the username


async def test_keep_me_signed_in_survives_a_restart_for_12_hours_only(
    app, portal, omicron, tenant_client, time_machine
):
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    await _customer(portal, omicron)
    client = tenant_client(omicron)
    assert (await sign_in(client, "eva", remember=True)).status_code == 303
    time_machine.move_to(start + timedelta(hours=11, minutes=59), tick=False)
    async with _restarted_browser(app, client) as browser:
        assert (await browser.get("/profile")).status_code == 200
    time_machine.move_to(start + timedelta(hours=12, minutes=1), tick=False)
    async with _restarted_browser(app, client) as browser:
        response = await browser.get("/profile")
        assert response.status_code == 303
        assert "/login" in response.headers["location"]


async def test_without_keep_me_signed_in_the_session_ends_with_the_browser(app, portal, omicron, tenant_client):
    await _customer(portal, omicron)
    client = tenant_client(omicron)
    await sign_in(client, "eva")
    assert (await client.get("/profile")).status_code == 200
    async with _restarted_browser(app, client) as browser:
        assert (await browser.get("/profile")).status_code == 303


async def test_temporary_password_from_customer_care_must_be_changed_at_next_sign_in(portal, omicron, tenant_client):
    """FAQ 2.5: customer care gives a temporary password; the customer must choose a new one."""
    from sqlalchemy import select

    from core.api import User
    from core.identity.flows import set_temporary_password

    await _customer(portal, omicron)
    async with portal.database.session(omicron.id) as db:
        user = await db.scalar(select(User).where(User.username_normalized == "eva"))
        temporary = await set_temporary_password(db, user)
        await db.commit()
    client = tenant_client(omicron)
    assert (await sign_in(client, "eva", PASSWORD)).status_code == 200  # the old password no longer works
    response = await sign_in(client, "eva", temporary)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/profile/password")
    blocked = await client.get("/omicron/devices")  # the exclusive content waits for the new password
    assert blocked.status_code == 303
    assert blocked.headers["location"].endswith("/profile/password")


async def test_forgotten_password_link_states_its_validity_and_expires(
    portal, omicron, tenant_client, mailbox, time_machine
):
    from datetime import UTC, datetime, timedelta

    from core.testing import csrf_of, mail_links, mail_text

    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    await _customer(portal, omicron)
    client = tenant_client(omicron)
    page = await client.get("/password/forgot")
    await client.post("/password/forgot", data={"email": "eva@acme.example", "csrf_token": csrf_of(page.text)})
    message = await mailbox.last("eva@acme.example")
    assert "1 hour" in mail_text(message)
    link = next(link for link in mail_links(message) if "/password/reset/" in link)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    if path.startswith("/t/"):
        path = "/" + path.split("/", 3)[3]
    time_machine.move_to(start + timedelta(hours=1, minutes=1), tick=False)
    expired = await client.get(path)
    assert "This link has expired" in expired.text
