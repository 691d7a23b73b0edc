"""The signed access-request form: every validation message, kept input, evidence and PDF."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from core.api import ApprovalRequest
from core.testing import mail_text
from plugins.lumen_ecommerce.evidence import content_hash
from plugins.lumen_ecommerce.models import LumenAccessRequest

from .conftest import page_csrf, request_data, signature_data_url

EN = {"Accept-Language": "en-CA"}


@pytest.fixture
async def client(lumen, tenant_client):
    client = tenant_client(lumen)
    client.headers.update(EN)
    return client


async def test_register_page_shows_the_seed_questions(client):
    html = (await client.get("/register")).text
    for text in (
        "Do you have an active account with Lumen?",
        "Lumen account number",
        "Lumen.ca &amp; mobile app",
        "ElekNet via ACCEO",
        "Recover a forgotten password",
        "Do you have a project account?",
        "Are you the account administrator?",
        "Number of users (including you if you create an account)",
        "See prices only (cannot place orders)",
        "thirty (30) days",
        "use the same username and password",
    ):
        assert text in html, text
    assert "<script>" not in html  # CSP: no inline script
    assert "/static/plugins/lumen_ecommerce/register.js" in html


async def test_valid_request_is_stored_with_evidence_pdf_and_approval(client, portal, lumen, mailbox):
    csrf = await page_csrf(client)
    response = await client.post(
        "/register", data=request_data(csrf), headers={"User-Agent": "LumenTest/1.0"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"].endswith("/register/done")
    done = await client.get("/register/done")
    assert "DA-000001" in done.text
    async with portal.database.session(lumen.id) as db:
        row = await db.scalar(select(LumenAccessRequest))
        approval = await db.scalar(select(ApprovalRequest))
    assert row is not None
    assert approval is not None
    assert row.content["postal_code"] == "H3G 1H6"
    assert row.content["phone"] == "+15145550123"
    assert [u["email"] for u in row.content["users"]] == ["emilie.cote@tremblay.example", "luc.gagne@tremblay.example"]
    assert row.content["users"][1]["permission"] == "approval"
    assert "thirty (30) days" in row.content["terms"]
    assert row.signature_png is not None
    assert row.signature_png.startswith(b"\x89PNG")
    assert row.signer_name == "Émilie Côté"
    assert row.user_agent == "LumenTest/1.0"
    assert row.ip
    assert row.content_hash == content_hash(row)
    assert len(row.content_hash) == 64
    assert row.pdf is not None
    assert row.pdf.startswith(b"%PDF")
    assert approval.plugin == "lumen_ecommerce"
    assert approval.kind == "access_request"
    assert approval.status == "pending"
    assert approval.payload["request_id"] == row.id
    assert approval.payload["content_hash"] == row.content_hash
    assert "Luc Gagné <luc.gagne@tremblay.example> (Place orders for approval)" in approval.payload["users"]
    received = await mailbox.last("emilie.cote@tremblay.example")
    assert "DA-000001" in str(received["Subject"])
    # The requester's session may download its PDF; the PDF text carries the reference and signer.
    pdf = await client.get(f"/lumen/requests/{row.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "DA-000001" in text
    assert "Côté" in text
    assert row.content_hash in text


async def test_evidence_hash_detects_a_changed_content(client, portal, lumen):
    csrf = await page_csrf(client)
    await client.post("/register", data=request_data(csrf))
    async with portal.database.session(lumen.id) as db:
        row = await db.scalar(select(LumenAccessRequest))
        assert row is not None
        stored = row.content_hash
        row.content = {**row.content, "users": row.content["users"][:1]}
        assert content_hash(row) != stored
        row.signature_png = (row.signature_png or b"") + b"x"
        assert hashlib.sha256(row.signature_png).hexdigest() not in stored


async def test_pdf_is_not_served_to_someone_else(client, tenant_client, portal, lumen):
    csrf = await page_csrf(client)
    await client.post("/register", data=request_data(csrf))
    stranger = tenant_client(lumen)
    assert (await stranger.get("/lumen/requests/1/pdf")).status_code == 404
    assert (await stranger.get("/lumen/requests/999/pdf")).status_code == 404


INVALID_CASES = [
    (
        {"customer_number": "200999"},
        "This customer account is not active",
    ),
    ({"customer_number": "999999"}, "We do not know this customer number"),
    ({"customer_number": "100300"}, "already has an e-commerce account"),
    ({"has_account": "no"}, "requires an active Lumen customer account"),
    ({"postal_code": "12345"}, "Enter a Canadian postal code, like H2X 1Y4."),
    ({"postal_code": "D1A 1A1"}, "Enter a Canadian postal code, like H2X 1Y4."),
    ({"phone": "555-12"}, "Enter a valid Canadian phone number"),
    ({"phone": "+33 1 23 45 67 89"}, "Enter a valid Canadian phone number"),
    ({"signature": None}, "Please sign the form"),
    ({"signature": signature_data_url(blank=True)}, "Please sign the form"),
    ({"signature": "data:image/png;base64,bm90IGEgcG5n"}, "Please sign the form"),
    ({"user_count": "3"}, "The number of users (3) does not match the user blocks filled in (2)"),
    ({"user_count": "0"}, "Enter the number of users, from 1 to 25."),
    ({"is_admin": "no"}, "Only the account administrator may sign this request"),
    ({"platforms": None}, "Choose at least one platform."),
    ({"project_account": None}, "This field is required."),
    ({"admin_email": "not-an-email"}, "Enter a valid e-mail address"),
    ({"users-1-permission": None}, "Choose what this user is authorised to do."),
    ({"users-1-email": "emilie.cote@tremblay.example"}, "already used for another user of this form"),
    ({"users-0-email": "someone.else@tremblay.example"}, "user 1 is the administrator"),
]


@pytest.mark.parametrize(("overrides", "message"), INVALID_CASES)
async def test_each_validation_message_keeps_what_was_typed(client, portal, lumen, overrides, message):
    csrf = await page_csrf(client)
    response = await client.post("/register", data=request_data(csrf, **overrides))
    assert response.status_code == 400
    html = response.text
    assert message in html.replace("&#39;", "'").replace("&#34;", '"')
    assert "error-summary" in html
    # Everything typed comes back (the signature too, unless it was the problem).
    assert 'value="Électricité Tremblay inc."' in html
    assert 'value="1250, rue Sherbrooke Ouest"' in html
    assert 'value="luc.gagne@tremblay.example"' in html or overrides.get("users-1-email")
    assert 'value="Gagné"' in html
    if "signature" not in overrides:
        assert 'value="data:image/png;base64,' in html
    async with portal.database.session(lumen.id) as db:
        assert await db.scalar(select(LumenAccessRequest)) is None


async def test_recover_password_goes_to_the_reset_flow(client):
    csrf = await page_csrf(client)
    response = await client.post("/register", data={"csrf_token": csrf, "action": "recover"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/password/forgot")


async def test_update_user_blocks_without_javascript(client):
    csrf = await page_csrf(client)
    data = request_data(csrf, user_count="3", refresh_users="1")
    response = await client.post("/register", data=data)
    assert response.status_code == 200
    assert 'name="users-2-first_name"' in response.text
    assert 'value="Gagné"' in response.text
    assert "error-summary" not in response.text


async def test_form_without_csrf_is_refused(client):
    await client.get("/register")
    response = await client.post("/register", data=request_data("forged"))
    assert response.status_code == 403


async def test_french_is_the_default_language(lumen, tenant_client):
    html = (await tenant_client(lumen).get("/register")).text
    assert 'lang="fr-CA"' in html
    assert "Avez-vous un compte actif chez Lumen?" in html


async def test_request_received_mail_is_in_the_signers_language(client, mailbox):
    csrf = await page_csrf(client)
    await client.post("/register", data=request_data(csrf))
    message = await mailbox.last("emilie.cote@tremblay.example")
    assert "no password is ever sent by e-mail" in mail_text(message).lower() or "No password" in mail_text(message)


async def test_a_large_drawn_signature_is_kept_whole(client, portal, lumen):
    import base64
    import io
    import random

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rng = random.Random(4)
    points = [(rng.randint(0, 599), rng.randint(0, 199)) for _ in range(400)]
    draw.line(points, fill=(17, 17, 17, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    assert len(data_url) > 10_000
    csrf = await page_csrf(client)
    response = await client.post("/register", data=request_data(csrf, signature=data_url))
    assert response.status_code == 303
    async with portal.database.session(lumen.id) as db:
        row = await db.scalar(select(LumenAccessRequest))
    assert row is not None
    assert row.signature_png == buffer.getvalue()


async def test_operator_downloads_the_pdf_on_the_console_host(client, app, portal, lumen):
    import httpx
    import pyotp

    from core.staff.accounts import create_staff
    from core.testing import csrf_of

    csrf = await page_csrf(client)
    await client.post("/register", data=request_data(csrf))
    async with portal.database.session() as db:
        operator = await create_staff(
            db, email="ops@portique.example", name="Ops", password="operator-password-2026", role="operator"
        )
        secret = operator.totp_secret
        await create_staff(db, email="agent@portique.example", name="Agent", password="agent-password-2026")
        await db.commit()
    assert secret is not None
    path = f"/lumen/requests/{lumen.slug}/1/pdf"
    for email, password, code, expected in (
        (None, None, None, 303),
        ("agent@portique.example", "agent-password-2026", "", 404),  # an agent without this tenant
        ("ops@portique.example", "operator-password-2026", pyotp.TOTP(secret).now(), 200),
    ):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as console:
            if email:
                token = csrf_of((await console.get("/console/login")).text)
                signed = await console.post(
                    "/console/login", data={"csrf_token": token, "email": email, "password": password, "code": code}
                )
                assert signed.status_code == 303, signed.text[:1000]
            response = await console.get(path)
            assert response.status_code == expected, email
            if expected == 200:
                assert response.content.startswith(b"%PDF")


async def test_registry_lookups_are_throttled_per_ip_and_keep_the_input(client, monkeypatch):
    from limits import parse

    from plugins.lumen_ecommerce import registration

    monkeypatch.setattr(registration, "LOOKUPS_PER_IP", parse("3/hour"))
    for number in ("111111", "222222", "333333"):
        csrf = await page_csrf(client)
        response = await client.post("/register", data=request_data(csrf, customer_number=number))
        assert "We do not know this customer number" in response.text
    csrf = await page_csrf(client)
    response = await client.post("/register", data=request_data(csrf, customer_number="444444"))
    assert response.status_code == 429
    assert "Too many requests were sent from your connection" in response.text
    assert "We do not know this customer number" not in response.text  # no look-up happened
    assert 'value="444444"' in response.text


@pytest.mark.parametrize("allowed", [True, False])
async def test_typed_signature_only_when_the_tenant_allows_it(make_tenant, tenant_client, portal, allowed):
    from plugins.lumen_ecommerce.demo import create_demo_data

    from .conftest import LUMEN

    tenant = await make_tenant("lumen", **{**LUMEN, "settings": {"lumen_ecommerce": {"typed_signature": allowed}}})
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(tenant, db)
        await db.commit()
    client = tenant_client(tenant)
    client.headers.update(EN)
    form = await client.get("/register")
    assert ('name="signature_typed"' in form.text) is allowed
    csrf = await page_csrf(client)
    data = request_data(csrf, signature=None, signature_typed="Émilie Côté")
    response = await client.post("/register", data=data)
    async with portal.database.session(tenant.id) as db:
        row = await db.scalar(select(LumenAccessRequest))
    if allowed:
        assert response.status_code == 303
        assert row is not None
        assert row.signature_typed == "Émilie Côté"
        assert row.signature_png is None
    else:
        assert response.status_code == 400
        assert "Please sign the form" in response.text
        assert row is None


async def test_another_lumen_tenant_cannot_read_the_request(client, make_tenant, tenant_client, portal, lumen):
    from .conftest import LUMEN

    csrf = await page_csrf(client)
    await client.post("/register", data=request_data(csrf))
    assert (await client.get("/lumen/requests/1/pdf")).status_code == 200
    await make_tenant("lumen-bis", **LUMEN)
    other = tenant_client("lumen-bis")
    await other.get("/register")
    assert (await other.get("/lumen/requests/1/pdf")).status_code == 404
