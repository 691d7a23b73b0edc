"""The core's account deletion: password confirmation, grace period and cancel, the worker's anonymisation,
sign-in afterwards, audit, and nothing of another user or tenant touched."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db.base import utcnow
from core.identity.models import ActionToken, Membership, User, UserStatus
from core.privacy.models import DeletionRequest, DeletionStatus
from core.testing import mail_links
from core.ticketing.categories import TicketCategory
from core.ticketing.models import Ticket
from core.ticketing.service import open_ticket
from tests.core.identity.identity_helpers import csrf_of, sign_in
from tests.core.privacy.deletion_helpers import after_grace, ask_for_deletion

SIGN_IN_REFUSED = "The sign-in details are incorrect"


async def _ticket(portal, tenant, user: User, subject: str) -> None:
    async with portal.database.session(tenant.id) as db:
        await open_ticket(
            db,
            tenant,
            TicketCategory("other", "Other", "Anything else"),
            subject=subject,
            body=f"Body of {subject}",
            fields={},
            files=[],
            email=user.email,
            name=user.full_name,
            locale="en",
            user_id=user.id,
        )
        await db.commit()


async def _user(portal, tenant, user_id: int) -> User:
    async with portal.database.session(tenant.id) as db:
        found = await db.get(User, user_id)
        assert found is not None
        return found


async def _actions(portal, tenant, user_id: int) -> list[str]:
    async with portal.database.session(tenant.id) as db:
        rows = await db.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == str(user_id)).order_by(AuditEvent.id)
        )
        return [a for a in rows if a.startswith("privacy.deletion")]


async def test_the_password_confirms_and_a_wrong_one_asks_nothing(portal, tenant, make_user, tenant_client):
    await make_user(tenant, "ada@example.com", account="A-1")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")

    wrong = await ask_for_deletion(client, "not the password")

    assert wrong.status_code == 200
    assert "The current password is incorrect." in wrong.text
    async with portal.database.session(tenant.id) as db:
        assert list(await db.scalars(select(DeletionRequest))) == []
    page = await client.get("/profile/delete")
    csrf_less = await client.post("/profile/delete", data={"current_password": "correct horse battery"})
    assert page.status_code == 200
    assert csrf_less.status_code == 403


async def test_wrong_passwords_are_throttled(portal, tenant, make_user, tenant_client):
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    for _ in range(5):
        await ask_for_deletion(client, "not the password")

    locked = await ask_for_deletion(client)

    assert locked.status_code == 429


async def test_after_the_grace_period_the_account_is_anonymised_and_cannot_sign_in(
    portal, tenant, make_tenant, make_user, tenant_client, mailbox, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    other_tenant = await make_tenant("globex")
    ada = await make_user(tenant, "ada@example.com", account="A-1", phone="+15145550100")
    bob = await make_user(tenant, "bob@example.com", first_name="Bob", account="A-1", role="member")
    twin = await make_user(other_tenant, "ada@example.com", account="T-9")
    await _ticket(portal, tenant, ada, "Ada's question")
    await _ticket(portal, tenant, bob, "Bob's question")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")

    asked = await ask_for_deletion(client)

    assert asked.status_code in (302, 303)
    profile = await client.get("/profile")
    assert "data-deletion-pending" in profile.text
    assert "data-deletion-pending" in (await client.get("/")).text
    assert "/profile/delete/cancel/" in " ".join(mail_links(await mailbox.last("ada@example.com")))
    assert await after_grace(portal, time_machine, days=13) == 0
    assert await after_grace(portal, time_machine, days=1) == 1

    gone = await _user(portal, tenant, ada.id)
    assert gone.email == f"deleted-{ada.id}@deleted.invalid"
    assert (gone.first_name, gone.last_name, gone.phone, gone.password_hash) == ("", "", "", None)
    assert gone.status == UserStatus.DISABLED
    async with portal.database.session(tenant.id) as db:
        assert list(await db.scalars(select(Membership.user_id))) == [bob.id]
        tokens = list(await db.scalars(select(ActionToken).where(ActionToken.user_id == ada.id)))
        assert all(t.used_at is not None for t in tokens)
        tickets = {t.subject: t for t in await db.scalars(select(Ticket))}
        [deletion] = list(await db.scalars(select(DeletionRequest)))
    assert tickets["Ada's question"].requester_name == ""
    assert tickets["Ada's question"].requester_user_id is None
    assert tickets["Ada's question"].requester_email == gone.email
    assert tickets["Bob's question"].requester_email == "bob@example.com"
    assert deletion.status == DeletionStatus.DONE
    assert deletion.outcome["core"]["memberships_removed"] == 1
    assert (await _user(portal, tenant, bob.id)).email == "bob@example.com"
    assert (await _user(portal, other_tenant, twin.id)).status == UserStatus.ACTIVE
    assert (await client.get("/profile")).status_code in (302, 303)  # the session ended
    fresh = tenant_client(tenant)
    refused = await sign_in(fresh, "ada@example.com")
    unknown = await sign_in(fresh, "nobody@example.com")
    assert SIGN_IN_REFUSED in refused.text
    assert refused.status_code == unknown.status_code
    assert await _actions(portal, tenant, ada.id) == ["privacy.deletion_requested", "privacy.deletion_carried_out"]


async def test_cancel_from_the_banner_keeps_the_account(portal, tenant, make_user, tenant_client, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    ada = await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    await ask_for_deletion(client)
    page = await client.get("/")

    cancelled = await client.post("/profile/delete/cancel", data={"csrf_token": csrf_of(page.text)})

    assert cancelled.status_code in (302, 303)
    assert "data-deletion-pending" not in (await client.get("/profile")).text
    assert await after_grace(portal, time_machine) == 0
    assert (await _user(portal, tenant, ada.id)).email == "ada@example.com"
    assert await _actions(portal, tenant, ada.id) == ["privacy.deletion_requested", "privacy.deletion_cancelled"]


async def test_cancel_from_the_mail_link_signed_out(portal, tenant, make_user, tenant_client, mailbox, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    ada = await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    await ask_for_deletion(client)
    [link] = [lnk for lnk in mail_links(await mailbox.last("ada@example.com")) if "/profile/delete/cancel/" in lnk]
    path = link[link.index("/profile/delete/cancel/") :]
    stranger = tenant_client(tenant)

    page = await stranger.get(path)
    cancelled = await stranger.post(path, data={"csrf_token": csrf_of(page.text)})

    assert page.status_code == 200
    assert cancelled.status_code in (302, 303)
    assert (await stranger.get(path)).status_code == 404  # used once
    assert await after_grace(portal, time_machine) == 0
    async with portal.database.session(tenant.id) as db:
        [deletion] = list(await db.scalars(select(DeletionRequest)))
    assert deletion.status == DeletionStatus.CANCELLED
    assert (await _user(portal, tenant, ada.id)).is_active


async def test_the_grace_period_is_a_tenant_setting(portal, make_tenant, make_user, tenant_client, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    tenant = await make_tenant("quick", settings={"privacy": {"deletion_grace_days": 3}})
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile/delete")
    assert "3 days after you confirm" in page.text
    await ask_for_deletion(client)

    assert await after_grace(portal, time_machine, days=3) == 1


async def test_the_page_in_french(portal, tenant, make_user, tenant_client):
    await make_user(tenant, "ada@example.com", locale="fr")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")

    page = await client.get("/profile/delete")

    assert "Supprimer mon compte" in page.text
