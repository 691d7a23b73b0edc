"""Seed section 2, "add or modify a user": a signed modification (permission, name, e-mail) through approval."""

from __future__ import annotations

import re

import httpx
import pyotp
import pytest
from sqlalchemy import select

from core.api import Account, ApprovalRequest, Membership, User
from core.audit.models import AuditEvent
from core.staff.accounts import create_staff
from core.testing import csrf_of, mail_text
from plugins.lumen_ecommerce.models import LumenAccessRequest
from plugins.lumen_ecommerce.rules import PERM_ORDER, PERM_ORDER_APPROVAL

from .conftest import page_csrf, request_data, sign_in

EN = {"Accept-Language": "en-CA"}
ADMIN = {
    "customer_number": "100300",
    "company": "Électricité Bélanger",
    "admin_first_name": "Julie",
    "admin_last_name": "Bélanger",
    "admin_email": "julie.belanger@example.com",
}


@pytest.fixture
async def admin(lumen, tenant_client):
    client = tenant_client(lumen)
    client.headers.update(EN)
    await sign_in(client, "jbelanger")
    await client.get("/locale/en_CA?next=/")  # Julie reads French; these tests read English
    return client


def block(**user: str) -> dict[str, str]:
    data = {f"users-0-{k}": v for k, v in user.items()}
    data["user_count"] = "1"
    return data


async def modify(client: httpx.AsyncClient, **user: str) -> httpx.Response:
    csrf = await page_csrf(client)
    return await client.post("/register", data=request_data(csrf, users=[], action="modify", **ADMIN, **block(**user)))


async def test_request_a_change_opens_the_form_filled_with_that_user(admin, portal, lumen):
    users_page = await admin.get("/account/users")
    links = re.findall(r'href="(/register\?action=modify&amp;member=\d+)"', users_page.text)
    assert len(links) == 2  # Marc and Sophie; not the administrator herself
    async with portal.database.session(lumen.id) as db:
        marc = await db.scalar(select(User).where(User.username == "mroy"))
        membership = await db.scalar(select(Membership).where(Membership.user_id == marc.id))
    page = await admin.get(f"/register?action=modify&member={membership.id}")
    assert page.status_code == 200
    assert re.search(r'<input[^>]*checked[^>]*value="modify"|value="modify"[^>]*checked', page.text)
    assert 'id="users-0-current_email"' in page.text
    assert 'value="marc.roy@example.com"' in page.text
    assert re.search(r'<input[^>]*checked[^>]*value="approval"|value="approval"[^>]*checked', page.text)
    # another account's membership, or the administrator's own, fills nothing in
    async with portal.database.session(lumen.id) as db:
        julie = await db.scalar(select(User).where(User.username == "jbelanger"))
        own = await db.scalar(select(Membership).where(Membership.user_id == julie.id))
    for other in (own.id, 999999, "abc"):
        assert 'value="marc.roy@example.com"' not in (await admin.get(f"/register?action=modify&member={other}")).text


async def test_an_existing_user_is_pointed_to_modify_instead_of_refused_as_a_duplicate(admin):
    csrf = await page_csrf(admin)
    response = await admin.post(
        "/register",
        data=request_data(
            csrf,
            users=[],
            action="add",
            **ADMIN,
            **block(first_name="Marc", last_name="Roy", email="marc.roy@example.com", permission="order"),
        ),
    )
    assert response.status_code == 400
    assert "choose “Modify one or more users”" in response.text


@pytest.mark.parametrize(
    ("user", "message"),
    [
        (
            {"current_email": "nobody@example.com", "email": "nobody@example.com"},
            "This person is not a user of this account.",
        ),
        (
            {"current_email": "julie.belanger@example.com", "email": "julie.belanger@example.com"},
            "The account administrator&#39;s access cannot be modified with this form.",
        ),
        (
            {"current_email": "marc.roy@example.com", "email": "sophie.tremblay@example.com"},
            "Another user already has this e-mail address.",
        ),
    ],
)
async def test_a_modification_names_a_user_of_the_account_and_a_free_address(admin, user, message):
    response = await modify(admin, first_name="Marc", last_name="Roy", permission="order", **user)
    assert response.status_code == 400
    assert message in response.text
    assert 'value="Marc"' in response.text  # what was typed stays


async def test_modification_needs_the_administrators_signature(lumen, tenant_client):
    client = tenant_client(lumen)
    client.headers.update(EN)
    csrf = await page_csrf(client)
    data = request_data(
        csrf,
        users=[],
        action="modify",
        **{**ADMIN, "admin_first_name": "Marc", "admin_last_name": "Roy", "admin_email": "marc.roy@example.com"},
        **block(first_name="Sophie", last_name="Tremblay", email="sophie.tremblay@example.com", permission="order"),
    )
    response = await client.post("/register", data=data)
    assert response.status_code == 400
    assert "must be signed by the account administrator" in response.text


async def test_signed_modification_is_approved_in_the_console_and_applied(admin, app, portal, lumen, mailbox):
    response = await modify(
        admin,
        current_email="marc.roy@example.com",
        first_name="Marc",
        last_name="Roy-Côté",
        email="marc.roycote@example.com",
        permission="order",
    )
    assert response.status_code == 303, response.text[-3000:]
    async with portal.database.session(lumen.id) as db:
        row = await db.scalar(select(LumenAccessRequest).order_by(LumenAccessRequest.id.desc()))
    assert row.action == "modify"
    assert row.content["users"][0]["current_email"] == "marc.roy@example.com"
    assert row.pdf.startswith(b"%PDF")
    # nothing changes before the operator approves
    async with portal.database.session(lumen.id) as db:
        marc = await db.scalar(select(User).where(User.username == "mroy"))
        assert marc.email == "marc.roy@example.com"

    async with portal.database.session() as db:
        operator = await create_staff(
            db, email="ops@portique.example", name="Ops", password="operator-password-2026", role="operator"
        )
        secret = operator.totp_secret
        await db.commit()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as console:
        token = csrf_of((await console.get("/console/login")).text)
        signed = await console.post(
            "/console/login",
            data={
                "csrf_token": token,
                "email": "ops@portique.example",
                "password": "operator-password-2026",
                "code": pyotp.TOTP(secret).now(),
            },
        )
        assert signed.status_code == 303
        queue = await console.get("/console/approvals")
        assert row.reference in queue.text
        assert "marc.roy@example.com → marc.roycote@example.com" in queue.text
        assert (await console.get(f"/lumen/requests/lumen/{row.id}/pdf")).content.startswith(b"%PDF")
        async with portal.database.session(lumen.id) as db:
            approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.id == row.approval_id))
        decided = await console.post(
            f"/console/approvals/{approval.id}", data={"csrf_token": csrf_of(queue.text), "decision": "approve"}
        )
        assert decided.status_code == 303

    async with portal.database.session(lumen.id) as db:
        marc = await db.scalar(select(User).where(User.username == "mroy"))
        account = await db.scalar(select(Account).where(Account.number == "100300"))
        membership = await db.scalar(
            select(Membership).where(Membership.user_id == marc.id, Membership.account_id == account.id)
        )
        row = await db.get(LumenAccessRequest, row.id)
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "lumen.user_modified"))
    assert row.status == "provisioned"
    assert marc.email == "marc.roycote@example.com"
    assert marc.last_name == "Roy-Côté"
    assert membership.permissions == [PERM_ORDER]
    assert membership.role == "member"
    assert event is not None
    assert event.data["before"]["permissions"] == [PERM_ORDER_APPROVAL]
    # Marc is told at his new address (in his language), his old address gets the core's notice
    changed = await mailbox.last("marc.roycote@example.com")
    assert "a été modifié" in str(changed["Subject"])
    assert "Effectuer une commande" in mail_text(changed)
    assert await mailbox.messages("marc.roy@example.com")
    done = mail_text(await mailbox.last("julie.belanger@example.com"))
    assert row.reference in done
    assert "modified" in done or "modifié" in done
    # and he signs in with the new address
    marc_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://lumen.localhost", headers=EN
    )
    async with marc_client:
        await sign_in(marc_client, "marc.roycote@example.com")
        await marc_client.get("/locale/en_CA?next=/")
        catalogue = (await marc_client.get("/lumen/catalogue")).text
        assert "Your permission: Place orders" in catalogue, re.findall(r"Your permission[^<]*", catalogue)
