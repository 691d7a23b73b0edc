"""Customer satisfaction: the resolution mail's one-click rating, its single-use signed link, the console's scores."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db.base import utcnow
from core.portal import Portal
from core.staff.accounts import create_staff
from core.tenancy.models import Tenant
from core.testing import csrf_of, mail_links
from core.ticketing.models import Ticket, TicketRating, TicketStatus
from core.ticketing.service import assign, open_ticket, staff_reply, staff_set_status
from tests.core.console.conftest import staff_login

CUSTOMER = "ann@customer.example"


async def resolved_ticket(portal: Portal, tenant: Tenant, *, locale: str = "fr", category: str | None = None) -> Any:
    """A ticket of Ann's, assigned to agent Bob and resolved by him; returns (ticket, bob)."""
    cat = next(c for c in portal.categories(tenant) if category is None or c.code == category)
    async with portal.database.session() as db:
        bob = await create_staff(
            db, email=f"bob-{utcnow().timestamp()}@ops.test", name="Bob", password="x" * 16, tenants=[tenant]
        )
        await db.commit()
    async with portal.database.session(tenant.id) as db:
        ticket = await open_ticket(
            db,
            tenant,
            cat,
            subject="Invoice",
            body="Where?",
            fields={},
            files=[],
            email=CUSTOMER,
            name="Ann",
            locale=locale,
        )
        await assign(db, tenant, ticket, bob, bob)
        await staff_set_status(db, tenant, ticket, bob, TicketStatus.RESOLVED)
        await db.commit()
    return ticket, bob


def rating_links(message: Any) -> dict[str, str]:
    links = [link for link in mail_links(message) if "/tickets/rate/" in link]
    # the links are on the tenant's path (http://localhost:8000/t/<slug>/…); the test clients use its host name
    return {link.rsplit("/", 1)[1]: "tickets/rate/" + link.split("/tickets/rate/", 1)[1] for link in links}


async def rating_of(portal: Portal, ticket: Ticket) -> TicketRating | None:
    async with portal.database.session(ticket.tenant_id) as db:
        return await db.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id))


async def test_resolution_mail_asks_for_a_rating_in_the_customers_language(
    portal: Portal, alpha: Tenant, mailbox: Any
) -> None:
    await resolved_ticket(portal, alpha, locale="fr")
    message = await mailbox.last(CUSTOMER)
    text = message.get_body(("plain",)).get_content().replace("\u202f", " ").replace("\xa0", " ")
    assert "Satisfait :" in text
    assert "Pas satisfait :" in text
    links = rating_links(message)
    assert set(links) == {"good", "poor"}
    assert links["good"].split("/")[-2] == links["poor"].split("/")[-2]  # one token for both


async def test_one_click_records_the_score_then_a_comment_uses_the_link_up(
    portal: Portal, alpha: Tenant, mailbox: Any, tenant_client: Any
) -> None:
    ticket, bob = await resolved_ticket(portal, alpha, locale="fr")
    links = rating_links(await mailbox.last(CUSTOMER))
    client = tenant_client(alpha)
    page = await client.get("/" + links["poor"])
    assert page.status_code == 200
    assert "Merci" in page.text  # the page speaks the mail's language
    rating = await rating_of(portal, ticket)
    assert rating is not None
    assert (rating.score, rating.agent_id, rating.category) == ("poor", bob.id, ticket.category)
    # a change of mind is one click too
    await client.get("/" + links["good"])
    assert (await rating_of(portal, ticket)).score == "good"  # type: ignore[union-attr]
    token_path = "/" + links["good"].rsplit("/", 1)[0]
    sent = await client.post(
        token_path, data={"csrf_token": csrf_of(page.text), "score": "poor", "comment": "  Too slow.  "}
    )
    assert sent.status_code == 200
    rating = await rating_of(portal, ticket)
    assert (rating.score, rating.comment) == ("poor", "Too slow.")  # type: ignore[union-attr]
    # single use: the links now only thank, and change nothing
    again = await client.get("/" + links["good"])
    assert again.status_code == 410
    assert (await rating_of(portal, ticket)).score == "poor"  # type: ignore[union-attr]
    async with portal.database.session(alpha.id) as db:
        events = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "ticket.rated")))
    assert [e.data["score"] for e in events] == ["poor", "good", "poor"]


async def test_a_bad_score_is_refused_next_to_the_field(
    portal: Portal, alpha: Tenant, mailbox: Any, tenant_client: Any
) -> None:
    ticket, _bob = await resolved_ticket(portal, alpha, locale="en")
    links = rating_links(await mailbox.last(CUSTOMER))
    client = tenant_client(alpha)
    page = await client.get("/" + links["good"])
    refused = await client.post(
        "/" + links["good"].rsplit("/", 1)[0], data={"csrf_token": csrf_of(page.text), "score": "excellent"}
    )
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.text or "Not a valid choice" in refused.text
    assert (await rating_of(portal, ticket)).score == "good"  # type: ignore[union-attr]
    no_csrf = await client.post("/" + links["good"].rsplit("/", 1)[0], data={"score": "poor"})
    assert no_csrf.status_code == 403


async def test_forged_expired_and_foreign_links_are_refused(
    portal: Portal, alpha: Tenant, beta: Tenant, mailbox: Any, tenant_client: Any
) -> None:
    ticket, _bob = await resolved_ticket(portal, alpha)
    links = rating_links(await mailbox.last(CUSTOMER))
    token = links["good"].split("/")[-2]
    client = tenant_client(alpha)
    assert (await client.get(f"/tickets/rate/{token[:-2]}xx/good")).status_code == 404
    assert (await client.get(f"/tickets/rate/{token}/excellent")).status_code == 404
    assert (await tenant_client(beta).get(f"/tickets/rate/{token}/good")).status_code == 404  # tenant isolation
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        expired = await client.get(f"/tickets/rate/{token}/good")
    assert expired.status_code == 410
    assert await rating_of(portal, ticket) is None


async def test_a_reply_that_resolves_asks_for_a_rating_too(portal: Portal, alpha: Tenant, mailbox: Any) -> None:
    cat = portal.categories(alpha)[0]
    async with portal.database.session() as db:
        bob = await create_staff(db, email="bob@ops.test", name="Bob", password="x" * 16, tenants=[alpha])
        await db.commit()
    async with portal.database.session(alpha.id) as db:
        ticket = await open_ticket(
            db, alpha, cat, subject="S", body="B", fields={}, files=[], email=CUSTOMER, name="Ann", locale="en"
        )
        await staff_reply(db, alpha, ticket, bob, body="Done.", internal=False, status=TicketStatus.OPEN)
        await db.commit()
    assert not rating_links(await mailbox.last(CUSTOMER))
    async with portal.database.session(alpha.id) as db:
        loaded = await db.get(Ticket, ticket.id)
        await staff_reply(db, alpha, loaded, bob, body="Fixed.", internal=False, status=TicketStatus.RESOLVED)  # type: ignore[arg-type]
        await db.commit()
    assert set(rating_links(await mailbox.last(CUSTOMER))) == {"good", "poor"}


async def test_console_shows_scores_per_tenant_category_and_agent(
    portal: Portal, alpha: Tenant, beta: Tenant, mailbox: Any, tenant_client: Any, operator_client: Any, make_staff: Any
) -> None:
    client = tenant_client(alpha)
    for score in ("good", "good", "poor"):
        await resolved_ticket(portal, alpha, locale="en", category="billing")
        await client.get("/" + rating_links(await mailbox.last(CUSTOMER))[score])
    await resolved_ticket(portal, beta, locale="en")
    await tenant_client(beta).get("/" + rating_links(await mailbox.last(CUSTOMER))["poor"])
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/satisfaction", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Satisfaction des clients" in page.text
    tenants = page.text.split('class="satisfaction-tenants"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<tr class="score"><th scope="row">([^<]+)</th>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([^<]+)</td>',
        tenants,
    )
    shares = {(r[1], r[2]): r[3].replace("\u202f", " ").replace("\xa0", " ") for r in rows}
    assert shares == {("2", "1"): "67 %", ("0", "1"): "0 %"}
    categories = page.text.split('class="satisfaction-categories"', 1)[1].split("</table>", 1)[0]
    assert "Facturation" in categories or "Billing" in categories
    agents = page.text.split('class="satisfaction-agents"', 1)[1].split("</table>", 1)[0]
    assert agents.count('class="score"') == 4  # each resolved ticket had its own agent Bob
    # an agent of beta sees beta's score only
    await operator_client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})
    agent = await make_staff("agent@ops.test", tenants=[beta])
    await staff_login(operator_client, agent)
    scoped = await operator_client.get("/console/satisfaction")
    tenants = scoped.text.split('class="satisfaction-tenants"', 1)[1].split("</table>", 1)[0]
    assert tenants.count('class="score"') == 1
    assert '<td class="num">0</td><td class="num">1</td>' in tenants


async def test_the_console_ticket_shows_the_rating_and_replies_by_mail(
    portal: Portal, alpha: Tenant, mailbox: Any, tenant_client: Any, operator_client: Any, make_staff: Any
) -> None:
    from core.ticketing.inbound import take_in
    from core.ticketing.reply_address import reply_address

    ticket, _bob = await resolved_ticket(portal, alpha, locale="en")
    links = rating_links(await mailbox.last(CUSTOMER))
    client = tenant_client(alpha)
    page = await client.get("/" + links["poor"])
    await client.post(
        "/" + links["poor"].rsplit("/", 1)[0],
        data={"csrf_token": csrf_of(page.text), "score": "poor", "comment": "Slow"},
    )
    raw = (
        f"From: {CUSTOMER}\r\nTo: {reply_address(alpha, ticket.id, CUSTOMER)}\r\nSubject: Re\r\n\r\nStill broken.\r\n"
    ).encode()
    assert (await take_in(portal, raw)).status == "threaded"
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    console = await operator_client.get(f"/console/tickets/{ticket.id}", headers={"Accept-Language": "fr"})
    assert "Évaluation du client" in console.text
    assert "Pas satisfait: Slow" in console.text
    assert console.text.count("message-via-email") == 1
    assert "Par e-mail" in console.text
