"""Care actions from the console ticket page: the requester's account, the actions offered, their runs
(the core's services, audited with the ticket, noted in the thread), and every refusal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.identity.models import Membership, User, UserStatus
from core.identity.users import get_or_create_account, grant_membership
from core.mail.models import OutboxMessage
from core.portal import Portal
from core.testing import csrf_of
from core.ticketing.models import TicketMessage
from core.ticketing.service import open_ticket
from tests.core.console.conftest import staff_login


async def _ticket(portal: Portal, tenant: Any, code: str, *, user: Any = None, email: str = "", fields=None) -> Any:
    category = next(c for c in portal.categories(tenant) if c.code == code)
    async with portal.database.session(tenant.id) as db:
        ticket = await open_ticket(
            db,
            tenant,
            category,
            subject="I cannot sign in",
            body="Please help",
            fields=fields or {},
            files=[],
            email=user.email if user else email,
            name="Ann",
            locale="en",
            user_id=user.id if user else None,
        )
        await db.commit()
    return ticket


async def _care_events(portal: Portal) -> list[AuditEvent]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "ticket.care_action")))


async def _notes(portal: Portal, tenant: Any, ticket: Any) -> list[TicketMessage]:
    async with portal.database.session(tenant.id) as db:
        return list(await db.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)))


async def _signed_in_agent(client: Any, make_staff: Any, tenant: Any) -> Any:
    agent = await make_staff("agent@ops.test", tenants=[tenant], name="Agent Smith")
    await staff_login(client, agent)
    return agent


async def _post(client: Any, ticket: Any, code: str, **values: str) -> Any:
    page = await client.get(f"/console/tickets/{ticket.id}")
    return await client.post(
        f"/console/tickets/{ticket.id}/care/{code}", data={"csrf_token": csrf_of(page.text), **values}
    )


async def test_the_ticket_page_shows_the_requesters_account_and_the_actions_of_its_category(
    operator_client, make_staff, make_user, portal, alpha
):
    user = await make_user(alpha, "ann@example.com", username="ann")
    async with portal.database.session(alpha.id) as db:
        account = await get_or_create_account(db, "C-100", name="Ann's shop")
        await grant_membership(db, await db.get(User, user.id), account)
        await db.commit()
    ticket = await _ticket(portal, alpha, "account", user=user)
    await _signed_in_agent(operator_client, make_staff, alpha)
    page = (await operator_client.get(f"/console/tickets/{ticket.id}")).text
    assert "Requester&#39;s account" in page or "Requester's account" in page
    assert "C-100 Ann&#39;s shop" in page or "C-100 Ann's shop" in page
    assert "Never" in page  # last sign-in
    for label in ("E-mail a password-reset link", "Unlock sign-in", "Change the e-mail address"):
        assert label in page
    assert "E-mail the confirmation again" not in page  # not offered on this category
    french = (await operator_client.get(f"/console/tickets/{ticket.id}", headers={"Accept-Language": "fr"})).text
    assert "Compte du demandeur" in french
    assert "Envoyer un lien de réinitialisation du mot de passe" in french


async def test_a_password_reset_runs_the_core_flow_audits_with_the_ticket_and_notes_the_thread(
    operator_client, make_staff, make_user, portal, alpha
):
    user = await make_user(alpha, "ann@example.com")
    ticket = await _ticket(portal, alpha, "billing", email="ANN@example.com", fields={"customer_number": "1"})
    agent = await _signed_in_agent(operator_client, make_staff, alpha)
    response = await _post(operator_client, ticket, "password_reset")
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        mails = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "identity/reset")))
    assert [m.recipient for m in mails] == ["ann@example.com"]
    [event] = await _care_events(portal)
    assert (event.subject_type, event.subject_id, event.actor_id) == ("ticket", ticket.reference, agent.id)
    assert event.data["ticket_id"] == ticket.id
    assert event.data["care_action"] == "password_reset"
    assert event.data["user_id"] == user.id
    note = [m for m in await _notes(portal, alpha, ticket) if m.internal][-1]
    assert note.author_name == "Agent Smith"
    assert "Care action by Agent Smith" in note.body
    assert "Password-reset link sent to ann@example.com" in note.body
    page = await operator_client.get(response.headers["location"])
    assert "Password-reset link sent" in page.text


async def test_change_email_sends_the_confirmation_to_the_new_address_and_keeps_the_old_one(
    operator_client, make_staff, make_user, portal, alpha
):
    user = await make_user(alpha, "ann@example.com")
    ticket = await _ticket(portal, alpha, "account", user=user)
    await _signed_in_agent(operator_client, make_staff, alpha)
    refused = await _post(operator_client, ticket, "change_email", new_email="not an address")
    assert refused.status_code == 303
    assert await _care_events(portal) == []
    response = await _post(operator_client, ticket, "change_email", new_email="ann@new.example")
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(User, user.id)).email == "ann@example.com"  # changes when the link is opened
        mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "identity/email_confirm"))
    assert mail is not None
    assert mail.recipient == "ann@new.example"
    assert [e.data["care_action"] for e in await _care_events(portal)] == ["change_email"]


async def test_restore_membership_gives_back_the_suspended_access(
    operator_client, make_staff, make_user, portal, alpha
):
    user = await make_user(alpha, "ann@example.com", status=UserStatus.SUSPENDED)
    async with portal.database.session(alpha.id) as db:
        account = await get_or_create_account(db, "C-7")
        membership = await grant_membership(db, await db.get(User, user.id), account)
        membership.suspended = True
        await db.commit()
    ticket = await _ticket(portal, alpha, "account", user=user)
    await _signed_in_agent(operator_client, make_staff, alpha)
    assert (await _post(operator_client, ticket, "restore_membership")).status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.ACTIVE
        assert (await db.scalar(select(Membership.suspended).where(Membership.user_id == user.id))) is False


async def test_an_action_not_offered_on_the_category_is_refused(operator_client, make_staff, make_user, portal, alpha):
    user = await make_user(alpha, "ann@example.com")
    ticket = await _ticket(portal, alpha, "billing", user=user, fields={"customer_number": "1"})
    await _signed_in_agent(operator_client, make_staff, alpha)
    for code in ("change_email", "no_such_action"):
        response = await _post(operator_client, ticket, code, new_email="evil@example.com")
        assert response.status_code == 303
        page = await operator_client.get(response.headers["location"])
        assert "This action is not offered on this ticket." in page.text
    assert await _care_events(portal) == []
    async with portal.database.session(alpha.id) as db:
        assert await db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "evil@example.com")) is None


async def test_an_agent_of_another_tenant_is_refused(operator_client, make_staff, make_user, portal, alpha, beta):
    user = await make_user(alpha, "ann@example.com")
    ticket = await _ticket(portal, alpha, "account", user=user)
    agent = await make_staff("beta-agent@ops.test", tenants=[beta])
    await staff_login(operator_client, agent)
    page = await operator_client.get("/console/tickets")
    response = await operator_client.post(
        f"/console/tickets/{ticket.id}/care/password_reset", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 404
    assert await _care_events(portal) == []


async def test_a_run_without_the_csrf_token_is_refused(operator_client, make_staff, make_user, portal, alpha):
    user = await make_user(alpha, "ann@example.com")
    ticket = await _ticket(portal, alpha, "account", user=user)
    await _signed_in_agent(operator_client, make_staff, alpha)
    response = await operator_client.post(f"/console/tickets/{ticket.id}/care/password_reset", data={})
    assert response.status_code == 403
    assert await _care_events(portal) == []


async def test_an_unknown_requester_gets_no_actions(operator_client, make_staff, portal, alpha):
    ticket = await _ticket(portal, alpha, "billing", email="stranger@example.com", fields={"customer_number": "1"})
    await _signed_in_agent(operator_client, make_staff, alpha)
    page = (await operator_client.get(f"/console/tickets/{ticket.id}")).text
    assert "E-mail a password-reset link" not in page
    response = await _post(operator_client, ticket, "password_reset")
    follow = await operator_client.get(response.headers["location"])
    assert "The requester has no user on this portal." in follow.text
    assert await _care_events(portal) == []
