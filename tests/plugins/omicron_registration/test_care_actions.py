"""OMICRON's care categories offer their operator actions on the console ticket page: resend the
confirmation, change the e-mail address (to the address the customer typed), a temporary password."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.api import Ticket, User, UserStatus, create_user, open_ticket
from core.audit.models import AuditEvent
from core.mail.models import OutboxMessage
from core.staff.accounts import create_staff
from core.testing import csrf_of
from core.ticketing.care.service import offered_actions
from core.ticketing.models import TicketMessage

PASSWORD = "staff password 123"


async def _ticket(portal: Any, tenant: Any, code: str, **fields: str) -> Ticket:
    category = next(c for c in portal.categories(tenant) if c.code == code)
    async with portal.database.session(tenant.id) as db:
        ticket = await open_ticket(
            db, tenant, category, subject="Help", body="Please", fields=fields, files=[],
            email="max@example.com", name="Max", locale="en",
        )  # fmt: skip
        await db.commit()
    return ticket


async def _agent(portal: Any, tenant_client: Any, tenant: Any) -> Any:
    async with portal.database.session() as db:
        await create_staff(db, email="care@ops.test", name="Carla", password=PASSWORD, role="agent", tenants=[tenant])
        await db.commit()
    client = tenant_client(tenant)
    page = await client.get("/console/login")
    data = {"csrf_token": csrf_of(page.text), "email": "care@ops.test", "password": PASSWORD, "code": ""}
    assert (await client.post("/console/login", data=data)).status_code == 303
    return client


async def _user(portal: Any, tenant: Any, status: str = UserStatus.ACTIVE) -> Any:
    async with portal.database.session(tenant.id) as db:
        user = await create_user(db, email="max@example.com", password="correct horse 1", status=status)
        await db.commit()
    return user


async def test_each_care_category_offers_its_actions(portal, omicron):
    expected = {
        "omicron_no_confirmation": {"resend_confirmation"},
        "omicron_link_broken": {"resend_confirmation"},
        "omicron_no_email_access": {"change_email"},
        "omicron_no_reset_mail": {"temporary_password"},
        "omicron_not_approved": set(),
        "omicron_forgot_login": set(),
    }
    for code, own in expected.items():
        ticket = Ticket(tenant_id=omicron.id, category=code, fields={})
        assert {a.code for a in offered_actions(omicron, ticket)} == own | {"password_reset", "unlock_sign_in"}, code


async def test_change_email_is_filled_in_from_the_ticket_and_confirmed_by_the_new_address(
    portal, omicron, tenant_client
):
    user = await _user(portal, omicron)
    ticket = await _ticket(
        portal, omicron, "omicron_no_email_access", username_or_email="max@example.com", new_email="max@new.example"
    )
    client = await _agent(portal, tenant_client, omicron)
    page = await client.get(f"/console/tickets/{ticket.id}")
    assert 'value="max@new.example"' in page.text
    response = await client.post(
        f"/console/tickets/{ticket.id}/care/change_email",
        data={"csrf_token": csrf_of(page.text), "new_email": "max@new.example"},
    )
    assert response.status_code == 303
    async with portal.database.session(omicron.id) as db:
        mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "identity/email_confirm"))
        assert (await db.get(User, user.id)).email == "max@example.com"
    assert mail.recipient == "max@new.example"


async def test_the_temporary_password_is_shown_once_and_never_stored_in_the_ticket(portal, omicron, tenant_client):
    user = await _user(portal, omicron)
    ticket = await _ticket(portal, omicron, "omicron_no_reset_mail", username_or_email="max@example.com")
    client = await _agent(portal, tenant_client, omicron)
    page = await client.get(f"/console/tickets/{ticket.id}", headers={"Accept-Language": "de"})
    assert "Temporäres Passwort ausgeben" in page.text
    response = await client.post(
        f"/console/tickets/{ticket.id}/care/temporary_password", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    secret = response.text.split('class="care-secret">', 1)[1].split("<", 1)[0]
    assert len(secret) == 16
    async with portal.database.session(omicron.id) as db:
        assert (await db.get(User, user.id)).must_change_password
        bodies = [m.body for m in await db.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id))]
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.care_action"))
    assert "Temporary password issued" in bodies[-1]
    assert all(secret not in body for body in bodies)
    assert secret not in str(event.data)


async def test_resend_confirmation_is_refused_once_the_address_is_confirmed(portal, omicron, tenant_client):
    await _user(portal, omicron)
    ticket = await _ticket(portal, omicron, "omicron_no_confirmation", registration_email="max@example.com")
    client = await _agent(portal, tenant_client, omicron)
    page = await client.get(f"/console/tickets/{ticket.id}")
    response = await client.post(
        f"/console/tickets/{ticket.id}/care/resend_confirmation", data={"csrf_token": csrf_of(page.text)}
    )
    follow = await client.get(response.headers["location"])
    assert "This user has already confirmed their e-mail address." in follow.text
