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
