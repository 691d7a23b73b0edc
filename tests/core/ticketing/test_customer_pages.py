"""Customer pages: categories per tenant, opening tickets with fields and attachments, acknowledgement."""

from __future__ import annotations

from sqlalchemy import select

from core.testing import csrf_of, mail_text
from core.ticketing.models import Ticket, TicketAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64


async def test_each_tenant_lists_its_own_categories(alpha, beta, tenant_client):
    page_a = (await tenant_client(alpha).get("/support")).text
    page_b = (await tenant_client(beta).get("/support")).text
    assert "Billing" in page_a
    assert "Meter reading" not in page_a
    assert "Meter reading" in page_b
    assert "Billing" not in page_b
    assert (await tenant_client(beta).get("/support/new/billing")).status_code == 404


async def test_signed_in_only_category_sends_visitors_to_login(alpha, tenant_client):
    response = await tenant_client(alpha).get("/support/new/account")
    assert response.status_code == 303
    assert "/login?next=" in response.headers["location"]


def _billing(csrf: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf,
        "name": "Zoé Tremblay",
        "email": "zoe@example.com",
        "subject": "Invoice too high",
        "description": "My **invoice** is wrong.",
        "f_customer_number": "C-12345",
        "f_amount": "12.50",
        "f_phone": "514 555 0199",
        "f_topic": "wrong",
    }
    data.update(overrides)
    return data


async def test_field_errors_keep_what_was_typed(alpha, tenant_client):
    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    data = _billing(csrf, f_customer_number="", f_amount="a lot", f_phone="12", f_topic="nope", email="not-an-email")
    response = await client.post("/support/new/billing", data=data)
    assert response.status_code == 400
    text = response.text
    assert "Enter a number." in text
    assert "Enter a valid phone number." in text
    assert "Choose one of the options." in text
    assert "Enter a valid e-mail address" in text
    assert 'value="Invoice too high"' in text
    assert "My **invoice** is wrong." in text
    assert 'value="a lot"' in text
    assert 'name="csrf_token" value=""' not in text


async def test_anonymous_ticket_with_attachment_is_acknowledged_by_page_and_mail(alpha, tenant_client, portal, mailbox):
    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    response = await client.post(
        "/support/new/billing",
        data=_billing(csrf),
        files=[
            ("attachments", ("scan.pdf", PDF, "application/pdf")),
            ("attachments", ("photo.jpg", PNG, "image/jpeg")),
        ],
    )
    assert response.status_code == 303, response.text
    page = await client.get(response.headers["location"])
    async with portal.database.session(alpha.id) as db:
        ticket = await db.scalar(select(Ticket))
        files = list(await db.scalars(select(TicketAttachment).order_by(TicketAttachment.id)))
    assert ticket is not None
    assert ticket.reference in page.text
    assert ticket.reference.startswith("ALP-2026-")
    assert len(ticket.reference.split("-")[2]) == 6
    assert ticket.fields == {"customer_number": "C-12345", "amount": "12.50", "phone": "+15145550199", "topic": "wrong"}
    assert ticket.requester_user_id is None
    assert ticket.requester_email == "zoe@example.com"
    # the type is read from the content: the "jpg" is a PNG, and named so
    assert [(f.filename, f.content_type) for f in files] == [
        ("scan.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    message = await mailbox.last("zoe@example.com")
    body = mail_text(message)
    assert ticket.reference in message["Subject"]
    assert ticket.reference in body
    assert "8 business hours" in body


async def test_acknowledgement_mail_in_the_customers_language(alpha, tenant_client, mailbox):
    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing", headers={"Accept-Language": "fr-CA"})).text)
    response = await client.post(
        "/support/new/billing", data=_billing(csrf, email="fr@example.com"), headers={"Accept-Language": "fr-CA"}
    )
    assert response.status_code == 303
    body = mail_text(await mailbox.last("fr@example.com"))
    assert "heures ouvrables" in body


async def test_attachment_type_and_limits(alpha, tenant_client, portal):
    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    exe = b"MZ\x90\x00" + b"\x00" * 100
    response = await client.post(
        "/support/new/billing", data=_billing(csrf), files=[("attachments", ("invoice.pdf", exe, "application/pdf"))]
    )
    assert response.status_code == 400
    assert "is not an accepted type" in response.text
    assert 'value="Invoice too high"' in response.text
    html = b"<html><script>alert(1)</script></html>"
    response = await client.post(
        "/support/new/billing", data=_billing(csrf), files=[("attachments", ("notes.txt", html, "text/plain"))]
    )
    assert "is not an accepted type" in response.text
    too_many = [("attachments", (f"f{i}.pdf", PDF, "application/pdf")) for i in range(6)]
    response = await client.post("/support/new/billing", data=_billing(csrf), files=too_many)
    assert response.status_code == 400
    assert "at most 5 files" in response.text
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = await client.post(
        "/support/new/billing", data=_billing(csrf), files=[("attachments", ("big.pdf", big, "application/pdf"))]
    )
    assert response.status_code == 400
    assert "larger than 10 MB" in response.text
    async with portal.database.session(alpha.id) as db:
        assert await db.scalar(select(Ticket)) is None


async def test_references_count_up_per_tenant(alpha, beta, tenant_client):
    for tenant, path, data in (
        (alpha, "/support/new/billing", _billing("")),
        (alpha, "/support/new/billing", _billing("")),
        (
            beta,
            "/support/new/meter",
            {"name": "Jan", "email": "jan@example.be", "subject": "Meter", "description": "x"},
        ),
    ):
        client = tenant_client(tenant)
        data["csrf_token"] = csrf_of((await client.get(path)).text)
        response = await client.post(path, data=data)
        assert response.status_code == 303
        page = (await client.get(response.headers["location"])).text
        expected = {"alpha": ["ALP-2026-000001", "ALP-2026-000002"], "beta": ["BET-2026-000001"]}[tenant.slug]
        assert any(ref in page for ref in expected)


async def test_signed_out_requester_follows_the_ticket_by_its_private_link(alpha, beta, tenant_client, portal, mailbox):
    from core.testing import mail_links

    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    assert (await client.post("/support/new/billing", data=_billing(csrf))).status_code == 303
    sent = await client.get("/support/sent")
    assert "Follow my request" in sent.text
    link = next(u for u in mail_links(await mailbox.last("zoe@example.com")) if "/tickets/access/" in u)
    path = link.split("alpha.localhost", 1)[-1].split("/t/alpha", 1)[-1]
    async with portal.database.session(alpha.id) as db:
        ticket = await db.scalar(select(Ticket))
    # another browser without the link sees nothing
    stranger = tenant_client(alpha)
    assert (await stranger.get(f"/tickets/{ticket.reference}")).status_code == 303
    # the link of tenant alpha is worthless on tenant beta
    assert (await tenant_client(beta).get(path)).status_code == 404
    assert (await stranger.get("/tickets/access/not-a-token")).status_code == 404
    opened = await stranger.get(path, follow_redirects=True)
    assert opened.status_code == 200
    assert ticket.reference in opened.text
    reply = await stranger.post(
        f"/tickets/{ticket.reference}", data={"csrf_token": csrf_of(opened.text), "body": "More details"}
    )
    assert reply.status_code == 303
    assert "More details" in (await stranger.get(f"/tickets/{ticket.reference}")).text


async def test_account_holder_sees_the_accounts_tickets(alpha, tenant_client, portal, make_user, sign_in):
    from core.api import get_or_create_account, grant_membership
    from core.identity.models import Role
    from core.ticketing.service import open_ticket

    holder = await make_user(alpha, "holder@example.com")
    member = await make_user(alpha, "member@example.com")
    colleague = await make_user(alpha, "colleague@example.com")
    async with portal.database.session(alpha.id) as db:
        account = await get_or_create_account(db, "A-1")
        await grant_membership(db, holder, account, Role.HOLDER)
        await grant_membership(db, member, account, Role.MEMBER)
        await grant_membership(db, colleague, account, Role.MEMBER)
        category = portal.categories(alpha)[0]
        ticket = await open_ticket(
            db,
            alpha,
            category,
            subject="Member ticket",
            body="b",
            fields={},
            files=[],
            email=member.email,
            name="M",
            locale="en",
            user_id=member.id,
            account_id=account.id,
        )
        await db.commit()
    for user, allowed in ((holder, True), (member, True), (colleague, False)):
        client = tenant_client(alpha)
        await sign_in(client, alpha, user)
        assert ("Member ticket" in (await client.get("/tickets")).text) is allowed
        assert ((await client.get(f"/tickets/{ticket.reference}")).status_code == 200) is allowed


async def test_close_and_reopen_within_the_window(alpha, tenant_client, portal, make_user, sign_in, time_machine):
    from datetime import UTC, datetime, timedelta

    from core.ticketing.service import open_ticket

    time_machine.move_to(datetime(2026, 11, 2, 15, 0, tzinfo=UTC), tick=False)
    user = await make_user(alpha, "c@example.com")
    async with portal.database.session(alpha.id) as db:
        ticket = await open_ticket(
            db,
            alpha,
            portal.categories(alpha)[0],
            subject="S",
            body="b",
            fields={},
            files=[],
            email=user.email,
            name="C",
            locale="en",
            user_id=user.id,
        )
        await db.commit()
    client = tenant_client(alpha)
    await sign_in(client, alpha, user)
    page = await client.get(f"/tickets/{ticket.reference}")
    csrf = csrf_of(page.text)
    await client.post(f"/tickets/{ticket.reference}/status", data={"csrf_token": csrf, "action": "close"})
    closed = await client.get(f"/tickets/{ticket.reference}")
    assert "Reopen this ticket" in closed.text
    assert "Your message" not in closed.text
    time_machine.move_to(datetime(2026, 11, 2, 15, 0, tzinfo=UTC) + timedelta(days=15), tick=False)
    await sign_in(client, alpha, user)
    late = await client.get(f"/tickets/{ticket.reference}")
    assert "Reopen this ticket" not in late.text
    refused = await client.post(f"/tickets/{ticket.reference}/status", data={"csrf_token": csrf, "action": "reopen"})
    assert refused.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(Ticket, ticket.id)).status == "closed"


async def test_dashboard_widget_lists_open_requests(alpha, tenant_client, portal, make_user, sign_in):
    from core.ticketing.service import open_ticket

    user = await make_user(alpha, "w@example.com")
    client = tenant_client(alpha)
    await sign_in(client, alpha, user)
    assert "You have no open request." in (await client.get("/")).text
    async with portal.database.session(alpha.id) as db:
        ticket = await open_ticket(
            db,
            alpha,
            portal.categories(alpha)[0],
            subject="Widget subject",
            body="b",
            fields={},
            files=[],
            email=user.email,
            name="W",
            locale="en",
            user_id=user.id,
        )
        await db.commit()
    home = (await client.get("/")).text
    assert "Widget subject" in home
    assert f"/tickets/{ticket.reference}" in home


async def test_signed_out_visitors_are_limited_to_a_few_tickets_an_hour(alpha, tenant_client, portal, mailbox):
    client = tenant_client(alpha)
    for _ in range(5):
        csrf = csrf_of((await client.get("/support/new/billing")).text)
        assert (await client.post("/support/new/billing", data=_billing(csrf))).status_code == 303
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    refused = await client.post("/support/new/billing", data=_billing(csrf, subject="Sixth"))
    assert refused.status_code == 429
    assert "several requests in a short time" in refused.text
    assert 'value="Sixth"' in refused.text
    assert len(await mailbox.messages("zoe@example.com")) == 5
