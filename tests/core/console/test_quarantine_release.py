"""Console: a quarantined mail attached to a ticket of its tenant (reply or internal note) or discarded; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.mail.models import QuarantinedMail
from core.portal import Portal
from core.storage import StorageError, get_storage
from core.testing import csrf_of
from core.ticketing.inbound import take_in
from core.ticketing.models import TicketMessage
from core.ticketing.reply_address import mail_domain
from tests.core.console.conftest import staff_login
from tests.core.console.test_console_quarantine import raw_mail
from tests.core.console.test_console_tickets import make_ticket


async def _rows(portal: Portal) -> dict[str, QuarantinedMail]:
    async with portal.database.session() as db:
        return {row.subject: row for row in await db.scalars(select(QuarantinedMail))}


async def _events(portal: Portal, action: str) -> list[AuditEvent]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


async def _thread(portal: Portal, tenant: Any, ticket: Any) -> list[TicketMessage]:
    async with portal.database.session(tenant.id) as db:
        query = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
        return list(await db.scalars(query))


async def _post(client: Any, path: str, **data: str) -> Any:
    page = await client.get("/console/quarantine")
    return await client.post(path, data={"csrf_token": csrf_of(page.text), **data})


async def test_mail_from_the_requester_becomes_their_reply_and_leaves_the_quarantine(
    operator_client, make_staff, portal, alpha
):
    ticket = await make_ticket(portal, alpha, email="cust@example.com")
    await take_in(portal, raw_mail(f"help@{mail_domain(alpha)}", "stray-reply", sender="cust@example.com"))
    row = (await _rows(portal))["stray-reply"]
    operator = await make_staff("op@ops.test", role="operator", name="Olive")
    await staff_login(operator_client, operator)
    response = await _post(operator_client, f"/console/quarantine/{row.id}/attach", reference=ticket.reference)
    assert response.status_code == 303
    assert "stray-reply" not in await _rows(portal)
    last = (await _thread(portal, alpha, ticket))[-1]
    assert (last.author_type, last.via, last.internal, last.body) == ("customer", "email", False, "hello")
    [event] = await _events(portal, "mail.quarantine_attached")
    assert (event.subject_id, event.data["ticket_id"], event.actor_id) == (ticket.reference, ticket.id, operator.id)
    assert event.data["as_reply"] is True
    try:
        await get_storage(portal).read(row.storage_key)
        raise AssertionError("the raw message is still stored")
    except StorageError:
        pass
    page = await operator_client.get("/console/quarantine", headers={"Accept-Language": "fr"})
    assert f"The mail was added to ticket {ticket.reference}" in page.text  # said in the language of the POST
    await take_in(portal, raw_mail(f"help@{mail_domain(alpha)}", "another"))
    french = await operator_client.get("/console/quarantine", headers={"Accept-Language": "fr"})
    assert "Joindre au ticket" in french.text
    assert "Référence du ticket" in french.text


async def test_mail_from_someone_else_becomes_an_internal_note(operator_client, make_staff, portal, alpha):
    ticket = await make_ticket(portal, alpha, email="cust@example.com")
    await take_in(portal, raw_mail(f"help@{mail_domain(alpha)}", "from-stranger"))
    row = (await _rows(portal))["from-stranger"]
    agent = await make_staff("agent@ops.test", tenants=[alpha], name="Agent Smith")
    await staff_login(operator_client, agent)
    await _post(operator_client, f"/console/quarantine/{row.id}/attach", reference=ticket.reference)
    last = (await _thread(portal, alpha, ticket))[-1]
    assert last.internal
    assert "Mail from eve@evil.example, attached from the quarantine by Agent Smith" in last.body
    assert last.body.endswith("hello")


async def test_a_ticket_of_another_tenant_is_refused(operator_client, make_staff, portal, alpha, beta):
    beta_ticket = await make_ticket(portal, beta, email="cust@example.com")
    await take_in(portal, raw_mail(f"help@{mail_domain(alpha)}", "alpha-mail", sender="cust@example.com"))
    await take_in(portal, raw_mail("x@nowhere.example", "no-tenant"))
    rows = await _rows(portal)
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    response = await _post(
        operator_client, f"/console/quarantine/{rows['alpha-mail'].id}/attach", reference=beta_ticket.reference
    )
    page = await operator_client.get(response.headers["location"])
    assert f"The mail&#39;s tenant has no ticket {beta_ticket.reference}" in page.text
    response = await _post(
        operator_client, f"/console/quarantine/{rows['no-tenant'].id}/attach", reference=beta_ticket.reference
    )
    page = await operator_client.get(response.headers["location"])
    assert "This mail reached no tenant: it can only be discarded." in page.text
    assert set(await _rows(portal)) == {"alpha-mail", "no-tenant"}
    assert len(await _thread(portal, beta, beta_ticket)) == 1
    assert await _events(portal, "mail.quarantine_attached") == []


async def test_discard_is_audited_and_scoped_to_the_staff_members_tenants(
    operator_client, make_staff, portal, alpha, beta
):
    await take_in(portal, raw_mail(f"help@{mail_domain(alpha)}", "alpha-junk"))
    row = (await _rows(portal))["alpha-junk"]
    outsider = await make_staff("beta-agent@ops.test", tenants=[beta])
    await staff_login(operator_client, outsider)
    assert (await _post(operator_client, f"/console/quarantine/{row.id}/discard")).status_code == 404
    assert (await _post(operator_client, f"/console/quarantine/{row.id}/attach", reference="x")).status_code == 404
    assert (await operator_client.post(f"/console/quarantine/{row.id}/discard", data={})).status_code == 403
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    assert (await operator_client.post(f"/console/quarantine/{row.id}/discard", data={})).status_code == 403
    assert "alpha-junk" in await _rows(portal)
    assert (await _post(operator_client, f"/console/quarantine/{row.id}/discard")).status_code == 303
    assert await _rows(portal) == {}
    [event] = await _events(portal, "mail.quarantine_discarded")
    assert (event.subject_type, event.subject_id, event.actor_id, event.tenant_id) == (
        "mail",
        str(row.id),
        agent.id,
        alpha.id,
    )
