"""Console: staff sign-in, the queue and its scope, the ticket page, notes never shown to customers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.portal import Portal
from core.testing import csrf_of, mail_text
from core.ticketing.models import Ticket, TicketAttachment
from core.ticketing.service import Upload, open_ticket
from tests.core.console.conftest import PASSWORD, staff_login

PDF = b"%PDF-1.4\n" + b"0" * 40


async def make_ticket(portal: Portal, tenant, *, subject="Help me", body="Please help", user=None, files=None, **kw):
    category = next(c for c in portal.categories(tenant))
    async with portal.database.session(tenant.id) as db:
        ticket = await open_ticket(
            db,
            tenant,
            category,
            subject=subject,
            body=body,
            fields={},
            files=files or [],
            email=user.email if user else kw.get("email", "anon@example.com"),
            name=user.full_name if user else "Anon",
            locale="en",
            user_id=user.id if user else None,
        )
        await db.commit()
    return ticket


async def test_console_needs_a_staff_sign_in(operator_client, alpha, tenant_client, make_user, sign_in):
    response = await operator_client.get("/console/tickets")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/login?next=")
    # a signed-in customer is not staff
    customer = await make_user(alpha, "c@example.com")
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    assert (await client.get("/console/tickets")).status_code == 303


async def test_operator_needs_the_authenticator_code(operator_client, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    assert operator.totp_secret
    refused = await staff_login(operator_client, operator, code="000000")
    assert refused.status_code == 400
    assert "not correct" in refused.text
    accepted = await staff_login(operator_client, operator)
    assert accepted.status_code == 303
    assert (await operator_client.get("/console/tickets")).status_code == 200


async def test_staff_login_is_throttled(operator_client, make_staff, portal):
    agent = await make_staff("agent@ops.test")
    page = await operator_client.get("/console/login")
    for _ in range(5):
        bad = await operator_client.post(
            "/console/login",
            data={"csrf_token": csrf_of(page.text), "email": agent.email, "password": "wrong password", "code": ""},
        )
        assert bad.status_code == 400
    blocked = await staff_login(operator_client, agent)
    assert blocked.status_code == 429
    async with portal.database.session() as db:
        failures = await db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "console.login_failed")
        )
    assert failures == 5


async def test_agent_sees_only_its_tenants_tickets(operator_client, alpha, beta, make_staff, portal, tenant_client):
    mine = await make_ticket(portal, alpha, subject="Alpha problem")
    theirs = await make_ticket(portal, beta, subject="Beta problem", files=[Upload("a.pdf", "application/pdf", PDF)])
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    assert (await staff_login(operator_client, agent)).status_code == 303
    queue = await operator_client.get("/console/tickets")
    assert "Alpha problem" in queue.text
    assert "Beta problem" not in queue.text
    assert mine.reference in queue.text
    # asking for the other tenant by filter, by id, or for its attachment: 404 / nothing
    assert "Beta problem" not in (await operator_client.get(f"/console/tickets?tenant={beta.id}")).text
    assert (await operator_client.get(f"/console/tickets/{theirs.id}")).status_code == 404
    async with portal.database.session(beta.id) as db:
        attachment = await db.scalar(select(TicketAttachment))
    url = f"/console/tickets/{theirs.id}/attachments/{attachment.id}"
    assert (await operator_client.get(url)).status_code == 404
    page = await operator_client.get(f"/console/tickets/{mine.id}")
    post = await operator_client.post(
        f"/console/tickets/{theirs.id}",
        data={"csrf_token": csrf_of(page.text), "action": "status", "status": "closed"},
    )
    assert post.status_code == 404
    # on the other tenant's own console, the agent does not exist
    beta_client = tenant_client(beta)
    assert (await staff_login(beta_client, agent)).status_code == 303
    assert (await beta_client.get("/console/tickets")).status_code == 404
    assert (await beta_client.get(f"/console/tickets/{theirs.id}")).status_code == 404


async def test_tenant_console_shows_only_that_tenant(alpha, beta, make_staff, portal, tenant_client):
    await make_ticket(portal, alpha, subject="Alpha problem")
    await make_ticket(portal, beta, subject="Beta problem")
    operator = await make_staff("op@ops.test", role="operator")
    client = tenant_client(alpha)
    assert (await staff_login(client, operator)).status_code == 303
    queue = await client.get("/console/tickets")
    assert "Alpha problem" in queue.text
    assert "Beta problem" not in queue.text


async def test_reply_note_status_and_assignment(
    operator_client, alpha, make_staff, make_user, portal, tenant_client, sign_in, mailbox
):
    customer = await make_user(alpha, "cust@example.com")
    ticket = await make_ticket(portal, alpha, subject="Broken", user=customer)
    agent = await make_staff("agent@ops.test", tenants=[alpha], name="Agent Smith")
    colleague = await make_staff("colleague@ops.test", tenants=[alpha], name="Colleague")
    await staff_login(operator_client, agent)
    page = await operator_client.get(f"/console/tickets/{ticket.id}")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    note = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "reply", "body": "Secret internal remark", "internal": "1", "status": ""},
    )
    assert note.status_code == 303
    reply = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "reply", "body": "We are *on it*.", "status": "waiting"},
    )
    assert reply.status_code == 303
    assigned = await operator_client.post(
        f"/console/tickets/{ticket.id}", data={"csrf_token": csrf, "action": "assign", "assignee": str(colleague.id)}
    )
    assert assigned.status_code == 303
    async with portal.database.session(alpha.id) as db:
        stored = await db.get(Ticket, ticket.id)
    assert stored.status == "waiting"
    assert stored.sla_due_at is None  # paused while waiting on the customer
    assert stored.first_response_at is not None
    assert stored.assignee_id == colleague.id
    # the customer gets the reply by mail, never the note
    mails = [mail_text(m) for m in await mailbox.messages("cust@example.com")]
    assert any("We are *on it*." in text for text in mails)
    assert not any("Secret internal remark" in text for text in mails)
    assert "is now assigned to you" in mail_text(await mailbox.last("colleague@ops.test"))
    # the customer's page shows the reply, not the note
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    thread = await client.get(f"/tickets/{ticket.reference}")
    assert "<em>on it</em>" in thread.text
    assert "Secret internal remark" not in thread.text
    # the customer answers: the ticket opens again, the clock resumes, the assignee is told
    answer = await client.post(
        f"/tickets/{ticket.reference}", data={"csrf_token": csrf_of(thread.text), "body": "Here"}
    )
    assert answer.status_code == 303
    async with portal.database.session(alpha.id) as db:
        stored = await db.get(Ticket, ticket.id)
    assert stored.status == "open"
    assert stored.sla_due_at is not None
    assert "replied on ticket" in mail_text(await mailbox.last("colleague@ops.test"))
    # the console shows the note to staff
    assert "Secret internal remark" in (await operator_client.get(f"/console/tickets/{ticket.id}")).text


async def test_customer_cannot_read_another_customers_ticket(alpha, beta, make_user, portal, tenant_client, sign_in):
    owner = await make_user(alpha, "owner@example.com")
    other = await make_user(alpha, "other@example.com")
    ticket = await make_ticket(portal, alpha, user=owner, files=[Upload("a.pdf", "application/pdf", PDF)])
    client = tenant_client(alpha)
    await sign_in(client, alpha, other)
    assert (await client.get(f"/tickets/{ticket.reference}")).status_code == 404
    assert ticket.reference not in (await client.get("/tickets")).text
    async with portal.database.session(alpha.id) as db:
        attachment = await db.scalar(select(TicketAttachment))
    assert (await client.get(f"/tickets/{ticket.reference}/attachments/{attachment.id}")).status_code == 404
    owner_client = tenant_client(alpha)
    await sign_in(owner_client, alpha, owner)
    download = await owner_client.get(f"/tickets/{ticket.reference}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    # the same reference on another tenant does not exist
    stranger = await make_user(beta, "owner@example.com")
    beta_client = tenant_client(beta)
    await sign_in(beta_client, beta, stranger)
    assert (await beta_client.get(f"/tickets/{ticket.reference}")).status_code == 404


async def test_stored_xss_is_neutralised(operator_client, alpha, make_staff, make_user, portal, tenant_client, sign_in):
    customer = await make_user(alpha, "x@example.com")
    body = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) [ok](https://example.com)"
    )
    ticket = await make_ticket(portal, alpha, subject="<b>subject</b>", body=body, user=customer)
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    console_page = (await operator_client.get(f"/console/tickets/{ticket.id}")).text
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    customer_page = (await client.get(f"/tickets/{ticket.reference}")).text
    for html in (console_page, customer_page):
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "<b>subject</b>" not in html
        assert "&lt;b&gt;subject&lt;/b&gt;" in html
        assert 'href="https://example.com"' in html


async def test_keyset_pagination_walks_the_queue_in_due_order(operator_client, alpha, make_staff, portal):
    from core.ticketing.models import NO_DUE

    base = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    async with portal.database.session(alpha.id) as db:
        for i in range(120):
            due = base + timedelta(minutes=(i * 37) % 120) if i % 10 else None
            db.add(
                Ticket(
                    reference=f"ALP-2026-{i:06d}",
                    category="billing",
                    subject=f"T{i}",
                    status="open",
                    requester_email="a@example.com",
                    sla_due_at=due,
                    sort_due_at=due or NO_DUE,
                )
            )
        await db.commit()
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    seen: list[str] = []
    url = "/console/tickets?status=all"
    pages = 0
    while url:
        page = await operator_client.get(url)
        assert page.status_code == 200
        import re

        seen += re.findall(r">(ALP-2026-\d{6})<", page.text)
        found = re.search(r'href="\?([^"]+)" rel="next"', page.text)
        url = "/console/tickets?" + found.group(1).replace("&amp;", "&") if found else ""
        pages += 1
    assert pages == 3
    assert len(seen) == 120
    assert len(set(seen)) == 120
    async with portal.database.session(alpha.id) as db:
        expected = list(await db.scalars(select(Ticket.reference).order_by(Ticket.sort_due_at, Ticket.id)))
    assert seen == expected
    assert (await operator_client.get("/console/tickets?after=garbage")).status_code == 200


async def test_bulk_assign(operator_client, alpha, make_staff, portal, mailbox):
    first = await make_ticket(portal, alpha, subject="One")
    second = await make_ticket(portal, alpha, subject="Two")
    operator = await make_staff("op@ops.test", role="operator")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/tickets")
    response = await operator_client.post(
        "/console/tickets/bulk",
        data={"csrf_token": csrf_of(page.text), "ticket": [str(first.id), str(second.id)], "assignee": str(agent.id)},
    )
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assignees = set(await db.scalars(select(Ticket.assignee_id)))
    assert assignees == {agent.id}
    assert len(await mailbox.messages("agent@ops.test")) == 2
    mine = await operator_client.get(f"/console/tickets?assignee={agent.id}")
    assert "One" in mine.text


async def test_bulk_assign_with_a_foreign_ticket_changes_nothing(operator_client, alpha, beta, make_staff, portal):
    mine = await make_ticket(portal, alpha, subject="Mine")
    theirs = await make_ticket(portal, beta, subject="Theirs")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    page = await operator_client.get("/console/tickets")
    response = await operator_client.post(
        "/console/tickets/bulk",
        data={"csrf_token": csrf_of(page.text), "ticket": [str(mine.id), str(theirs.id)], "assignee": str(agent.id)},
    )
    assert response.status_code == 404
    async with portal.database.session() as db:
        assert set(await db.scalars(select(Ticket.assignee_id))) == {None}


async def test_staff_password_is_never_echoed(operator_client, make_staff):
    agent = await make_staff("agent@ops.test")
    page = await operator_client.get("/console/login")
    response = await operator_client.post(
        "/console/login", data={"csrf_token": csrf_of(page.text), "email": agent.email, "password": "nope " + PASSWORD}
    )
    assert PASSWORD not in response.text


async def test_staff_reply_with_attachment_reaches_the_customer(
    operator_client, alpha, make_staff, make_user, portal, tenant_client, sign_in
):
    customer = await make_user(alpha, "cust@example.com")
    ticket = await make_ticket(portal, alpha, user=customer)
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    csrf = csrf_of((await operator_client.get(f"/console/tickets/{ticket.id}")).text)
    refused = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "reply", "body": "See the file", "status": ""},
        files={"attachments": ("tool.exe", b"MZ\x90\x00" + b"\x00" * 50, "application/pdf")},
    )
    assert refused.status_code == 400
    assert "is not an accepted type" in refused.text
    assert "See the file" in refused.text
    sent = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "reply", "body": "See the file", "status": ""},
        files={"attachments": ("guide.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 303
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    page = await client.get(f"/tickets/{ticket.reference}")
    assert "guide.pdf" in page.text
    async with portal.database.session(alpha.id) as db:
        attachment = await db.scalar(select(TicketAttachment))
    download = await client.get(f"/tickets/{ticket.reference}/attachments/{attachment.id}")
    assert download.content == PDF


async def test_attachment_of_an_internal_note_stays_internal(
    operator_client, alpha, make_staff, make_user, portal, tenant_client, sign_in
):
    customer = await make_user(alpha, "cust@example.com")
    ticket = await make_ticket(portal, alpha, user=customer)
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    csrf = csrf_of((await operator_client.get(f"/console/tickets/{ticket.id}")).text)
    await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "reply", "body": "Internal scan", "internal": "1", "status": ""},
        files={"attachments": ("internal.pdf", PDF, "application/pdf")},
    )
    async with portal.database.session(alpha.id) as db:
        attachment = await db.scalar(select(TicketAttachment))
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    assert "internal.pdf" not in (await client.get(f"/tickets/{ticket.reference}")).text
    assert (await client.get(f"/tickets/{ticket.reference}/attachments/{attachment.id}")).status_code == 404


async def test_agents_of_the_tenant_hear_about_new_tickets_in_their_language(alpha, beta, make_staff, portal, mailbox):
    from core.staff.models import Staff

    agent = await make_staff("agent@ops.test", tenants=[alpha])
    async with portal.database.session() as db:
        (await db.get(Staff, agent.id)).locale = "fr"
        await db.commit()
    await make_staff("other@ops.test", tenants=[beta])
    await make_staff("op@ops.test", role="operator")
    ticket = await make_ticket(portal, alpha, subject="Panne")
    message = await mailbox.last("agent@ops.test")
    assert ticket.reference in message["Subject"]
    assert "Nouvelle demande" in message["Subject"]
    assert f"/console/tickets/{ticket.id}" in mail_text(message)
    assert not await mailbox.messages("other@ops.test")
    assert not await mailbox.messages("op@ops.test")
