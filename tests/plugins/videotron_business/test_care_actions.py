"""Vidéotron's "Access to my online account" category: the activation e-mail again and suspended access
restored from the console ticket page; its other categories offer only the core's everyday actions."""

from __future__ import annotations

from sqlalchemy import select

from core.api import (
    Membership,
    Ticket,
    User,
    UserStatus,
    create_user,
    get_or_create_account,
    grant_membership,
    open_ticket,
)
from core.audit.models import AuditEvent
from core.testing import csrf_of
from core.ticketing.care.service import offered_actions
from tests.plugins.videotron_business.test_videotron_console import staff_client


async def test_only_the_access_category_offers_activation_and_restoring(vtenant):
    everyday = {"password_reset", "unlock_sign_in"}
    access = Ticket(tenant_id=vtenant.id, category="access", fields={})
    billing = Ticket(tenant_id=vtenant.id, category="billing", fields={})
    assert {a.code for a in offered_actions(vtenant, access)} == everyday | {
        "resend_confirmation",
        "restore_membership",
    }
    assert {a.code for a in offered_actions(vtenant, billing)} == everyday


async def test_an_agent_restores_the_access_a_holder_suspended(portal, vtenant, tenant_client):
    async with portal.database.session(vtenant.id) as db:
        user = await create_user(
            db, email="luc@garage.example", username="luc.roy", password="Correct-horse-12", status=UserStatus.SUSPENDED
        )
        account = await get_or_create_account(db, "800100009")
        membership = await grant_membership(db, user, account)
        membership.suspended = True
        category = next(c for c in portal.categories(vtenant) if c.code == "access")
        ticket = await open_ticket(
            db, vtenant, category, subject="Accès", body="Mon accès est suspendu.", fields={"username": "luc.roy"},
            files=[], email="luc@garage.example", name="Luc", locale="fr_CA",
        )  # fmt: skip
        await db.commit()
    client = await staff_client(portal, tenant_client, vtenant, [vtenant])
    page = await client.get(f"/console/tickets/{ticket.id}", headers={"Accept-Language": "fr-CA"})
    assert "Accès à mon compte en ligne" in page.text
    assert "Rétablir l’accès suspendu" in page.text
    response = await client.post(
        f"/console/tickets/{ticket.id}/care/restore_membership", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 303
    async with portal.database.session(vtenant.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.ACTIVE
        assert await db.scalar(select(Membership.suspended).where(Membership.user_id == user.id)) is False
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.care_action"))
    assert event.data == {"ticket_id": ticket.id, "care_action": "restore_membership", "user_id": user.id}
