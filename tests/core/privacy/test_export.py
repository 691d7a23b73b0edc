"""The core's data export: what ``core.json`` holds, the single-use link, expiry, limits and audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db.base import utcnow
from core.identity.models import User
from core.privacy.building import build_pending_exports
from core.privacy.expiry import purge_expired_exports
from core.privacy.models import ExportRequest, ExportStatus
from core.privacy.requesting import PER_DAY
from core.storage import get_storage
from core.testing import mail_text
from core.ticketing.categories import TicketCategory
from core.ticketing.service import Upload, open_ticket
from tests.core.identity.identity_helpers import sign_in
from tests.core.privacy.export_helpers import (
    all_text,
    ask_for_export,
    entry_json,
    export_link,
    export_of,
    unzip,
)

PDF = b"%PDF-1.4\n% a test attachment\n"


async def _ticket(portal, tenant, user: User, subject: str) -> None:
    async with portal.database.session(tenant.id) as db:
        await open_ticket(
            db,
            tenant,
            TicketCategory("other", "Other", "Anything else"),
            subject=subject,
            body=f"Body of {subject}",
            fields={},
            files=[Upload("scan.pdf", "application/pdf", PDF)],
            email=user.email,
            name=user.full_name,
            locale="en",
            user_id=user.id,
        )
        await db.commit()


async def _exports(portal, tenant) -> list[ExportRequest]:
    async with portal.database.session(tenant.id) as db:
        return list(await db.scalars(select(ExportRequest).order_by(ExportRequest.id)))


async def test_the_archive_holds_my_identity_and_tickets_and_nothing_of_anybody_else(
    portal, tenant, make_tenant, make_user, tenant_client, mailbox
):
    other_tenant = await make_tenant("globex")
    ada = await make_user(tenant, "ada@example.com", account="A-1", phone="+15145550100")
    bob = await make_user(tenant, "bob@example.com", first_name="Bob", last_name="Builder", account="B-2")
    twin = await make_user(other_tenant, "ada@example.com", first_name="Twin", last_name="Elsewhere", account="T-9")
    await _ticket(portal, tenant, ada, "Ada's question")
    await _ticket(portal, tenant, bob, "Bob's question")
    await _ticket(portal, other_tenant, twin, "Twin's question")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")

    entries = await export_of(client, portal, mailbox, "ada@example.com")

    core = entry_json(entries, "core.json")
    assert core["profile"]["email"] == "ada@example.com"
    assert core["profile"]["phone"] == "+15145550100"
    assert "password_hash" not in core["profile"]
    assert [m["account_number"] for m in core["memberships"]] == ["A-1"]
    assert len(core["sessions"]) == 1
    assert "identity.login" in {e["action"] for e in core["audit"]}
    assert "privacy.export_requested" in {e["action"] for e in core["audit"]}
    [ticket] = core["tickets"]
    assert ticket["subject"] == "Ada's question"
    [attachment] = ticket["messages"][0]["attachments"]
    assert attachment["filename"] == "scan.pdf"
    assert entries[f"core/{attachment['file']}"] == PDF
    manifest = entry_json(entries, "manifest.json")
    assert {e["path"] for e in manifest["entries"]} == set(entries) - {"manifest.json"}
    text = all_text(entries)
    for foreign in ("bob@example.com", "Bob", "B-2", "Twin", "T-9", "Elsewhere"):
        assert foreign not in text


async def test_the_link_works_once_and_the_file_is_deleted(portal, tenant, make_user, tenant_client, mailbox):
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, "ada@example.com")
    [export] = await _exports(portal, tenant)
    key = export.storage_key
    assert key
    assert await get_storage(portal).exists(key)

    assert unzip(await client.get(link))
    again = await client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.text
    [export] = await _exports(portal, tenant)
    assert export.status == ExportStatus.DOWNLOADED
    assert not await get_storage(portal).exists(key)


async def test_the_link_needs_its_user_signed_in_on_its_tenant(
    portal, tenant, make_tenant, make_user, tenant_client, mailbox
):
    other_tenant = await make_tenant("globex")
    await make_user(tenant, "ada@example.com")
    await make_user(tenant, "bob@example.com")
    await make_user(other_tenant, "ada@example.com")
    ada = tenant_client(tenant)
    await sign_in(ada, "ada@example.com")
    await ask_for_export(ada)
    link = await export_link(portal, mailbox, "ada@example.com")

    visitor = await tenant_client(tenant).get(link)
    assert visitor.status_code in (302, 303)
    assert "/login?next=" in visitor.headers["location"]
    bob = tenant_client(tenant)
    await sign_in(bob, "bob@example.com")
    assert (await bob.get(link)).status_code == 404
    elsewhere = tenant_client(other_tenant)
    await sign_in(elsewhere, "ada@example.com")
    assert (await elsewhere.get(link)).status_code == 404

    assert unzip(await ada.get(link))  # the refusals did not use it up


async def test_the_link_expires_after_seven_days_and_the_file_goes(
    portal, tenant, make_user, tenant_client, mailbox, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com", remember=True)
    await ask_for_export(client)
    link = await export_link(portal, mailbox, "ada@example.com")
    [export] = await _exports(portal, tenant)

    time_machine.shift(timedelta(days=7, minutes=1))
    assert await purge_expired_exports(portal) == 1
    assert not await get_storage(portal).exists(export.storage_key or "")
    await sign_in(client, "ada@example.com")
    expired = await client.get(link)
    assert expired.status_code == 410
    assert "expired" in expired.text
    [export] = await _exports(portal, tenant)
    assert export.status == ExportStatus.EXPIRED


async def test_one_export_at_a_time_and_a_few_a_day(portal, tenant, make_user, tenant_client, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com", remember=True)

    await ask_for_export(client)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "still being prepared" in page.text
    assert len(await _exports(portal, tenant)) == 1
    await build_pending_exports(portal)
    for _ in range(PER_DAY - 1):
        await ask_for_export(client)
        await build_pending_exports(portal)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "try again tomorrow" in page.text
    assert len(await _exports(portal, tenant)) == PER_DAY

    time_machine.shift(timedelta(days=1, minutes=1))
    await sign_in(client, "ada@example.com")
    await ask_for_export(client)
    assert len(await _exports(portal, tenant)) == PER_DAY + 1


async def test_asking_needs_the_csrf_token(tenant, make_user, tenant_client):
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    assert (await client.post("/profile/export", data={})).status_code == 403


async def test_requested_built_and_downloaded_are_audited_and_the_mail_speaks_french(
    portal, tenant, make_user, tenant_client, mailbox
):
    ada = await make_user(tenant, "ada@example.com", locale="fr")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, "ada@example.com")
    message = await mailbox.last("ada@example.com")
    assert message["Subject"] == "L’exportation de vos données est prête"
    assert "7 jours" in mail_text(message)
    unzip(await client.get(link))

    async with portal.database.session(tenant.id) as db:
        actions = list(
            await db.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("privacy.%"), AuditEvent.subject_id == str(ada.id))
                .order_by(AuditEvent.id)
            )
        )
    assert actions == ["privacy.export_requested", "privacy.export_built", "privacy.export_downloaded"]


async def test_a_build_interrupted_by_a_restart_is_taken_again_once(
    portal, tenant, make_user, tenant_client, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    await make_user(tenant, "ada@example.com")
    client = tenant_client(tenant)
    await sign_in(client, "ada@example.com", remember=True)
    await ask_for_export(client)
    async with portal.database.session(tenant.id) as db:
        export = await db.scalar(select(ExportRequest))
        export.status, export.claimed_at = ExportStatus.BUILDING, utcnow()  # a worker took it, then died
        await db.commit()
    assert await build_pending_exports(portal) == 0  # still its worker's

    time_machine.shift(timedelta(hours=1, minutes=1))
    assert await build_pending_exports(portal) == 1
    assert await build_pending_exports(portal) == 0
    [export] = await _exports(portal, tenant)
    assert export.status == ExportStatus.READY
