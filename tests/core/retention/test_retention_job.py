"""The retention job removes, per tenant, exactly what is past the tenant's period, and says so in the audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.mail.models import OutboxMessage
from core.retention.job import enforce_retention
from core.retention.settings import AUDIT_DAYS, CLOSED_TICKET_DAYS, OUTBOX_BODY_DAYS, RetentionSettings
from core.storage import get_storage
from core.tenancy.models import Tenant
from core.ticketing.models import Ticket, TicketAttachment, TicketMessage, TicketRating, TicketStatus

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SHORT = {"audit_days": 10, "outbox_body_days": 5, "closed_ticket_days": 30}
SECOND = timedelta(seconds=1)


@dataclass
class Rows:
    """The ids of one tenant's rows, by what the job should do with them."""

    audit_old: list[int] = field(default_factory=list)
    audit_kept: list[int] = field(default_factory=list)
    mail_old: list[int] = field(default_factory=list)
    mail_kept: list[int] = field(default_factory=list)
    tickets_old: list[int] = field(default_factory=list)
    tickets_kept: list[int] = field(default_factory=list)
    files_old: list[str] = field(default_factory=list)
    files_kept: list[str] = field(default_factory=list)


async def fill(portal, tenant: Tenant, periods: RetentionSettings, prefix: str = "TKT") -> Rows:
    """Rows on both sides of each period: a second past it (removed) and a second short of it (kept);
    ``prefix`` starts the tickets' references."""
    rows = Rows()
    storage = get_storage(portal)
    past = {name: NOW - periods.period(name) - SECOND for name in ("audit", "outbox_body", "closed_ticket")}
    inside = {name: NOW - periods.period(name) + SECOND for name in past}
    async with portal.database.session(tenant.id) as db:
        for when, ids in ((past["audit"], rows.audit_old), (inside["audit"], rows.audit_kept)):
            for _ in range(3):  # more than one batch of two
                event = AuditEvent(tenant_id=tenant.id, action="identity.logged_in", created_at=when)
                db.add(event)
                await db.flush()
                ids.append(event.id)
        mails = [
            (past["outbox_body"], "sent", rows.mail_old),
            (past["outbox_body"], "failed", rows.mail_old),
            (past["outbox_body"], "queued", rows.mail_kept),  # still to deliver: its body is needed
            (past["outbox_body"], "retry", rows.mail_kept),
            (inside["outbox_body"], "sent", rows.mail_kept),
        ]
        for when, status, ids in mails:
            mail = OutboxMessage(
                tenant_id=tenant.id, template="t", sender="s@x.example", recipient="r@x.example", subject="Hello",
                text_body="text", html_body="<p>html</p>", status=status, created_at=when,
            )  # fmt: skip
            db.add(mail)
            await db.flush()
            ids.append(mail.id)
        tickets = [
            (TicketStatus.CLOSED, past["closed_ticket"], rows.tickets_old, rows.files_old),
            (TicketStatus.CLOSED, past["closed_ticket"], rows.tickets_old, rows.files_old),
            (TicketStatus.CLOSED, past["closed_ticket"], rows.tickets_old, rows.files_old),
            (TicketStatus.CLOSED, inside["closed_ticket"], rows.tickets_kept, rows.files_kept),
            (TicketStatus.RESOLVED, past["closed_ticket"], rows.tickets_kept, rows.files_kept),  # not closed
        ]
        for number, (status, closed_at, ids, files) in enumerate(tickets):
            ticket = Ticket(
                reference=f"{prefix}-{number}", category="other", subject="Help", requester_email="ada@example.com",
                status=status, closed_at=closed_at if status == TicketStatus.CLOSED else None,
                resolved_at=closed_at, created_at=closed_at - timedelta(days=3),
            )  # fmt: skip
            db.add(ticket)
            await db.flush()
            message = TicketMessage(ticket_id=ticket.id, author_type="customer", body="Hello")
            db.add(message)
            await db.flush()
            key = await storage.save("attachments", tenant.id, b"file")
            db.add(TicketAttachment(ticket_id=ticket.id, message_id=message.id, filename="a.txt",
                                    content_type="text/plain", size=4, storage_key=key))  # fmt: skip
            db.add(TicketRating(ticket_id=ticket.id, score="good", category="other"))
            ids.append(ticket.id)
            files.append(key)
        await db.commit()
    return rows


async def remaining(portal, tenant: Tenant) -> dict[str, list[int]]:
    async with portal.database.session() as db:
        audit = await db.scalars(
            select(AuditEvent.id).where(AuditEvent.tenant_id == tenant.id, AuditEvent.action != "retention.enforced")
        )
        bodies = await db.scalars(
            select(OutboxMessage.id).where(OutboxMessage.tenant_id == tenant.id, OutboxMessage.text_body != "")
        )
        mails = await db.scalars(select(OutboxMessage.id).where(OutboxMessage.tenant_id == tenant.id))
        tickets = await db.scalars(select(Ticket.id).where(Ticket.tenant_id == tenant.id))
        children = {
            "messages": await db.scalars(select(TicketMessage.ticket_id).where(TicketMessage.tenant_id == tenant.id)),
            "attachments": await db.scalars(
                select(TicketAttachment.ticket_id).where(TicketAttachment.tenant_id == tenant.id)
            ),
            "ratings": await db.scalars(select(TicketRating.ticket_id).where(TicketRating.tenant_id == tenant.id)),
        }
        return {
            "audit": sorted(audit),
            "bodies": sorted(bodies),
            "mails": sorted(mails),
            "tickets": sorted(tickets),
            **{name: sorted(ids) for name, ids in children.items()},
        }


@pytest.fixture
async def tenants(make_tenant) -> tuple[Tenant, Tenant]:
    short = await make_tenant("short", locales=["en"], default_locale="en", settings={"retention": SHORT})
    usual = await make_tenant("usual", locales=["en"], default_locale="en")
    return short, usual


async def test_the_job_removes_exactly_what_is_past_each_tenants_period(portal, tenants, time_machine):
    short, usual = tenants
    time_machine.move_to(NOW, tick=False)
    short_rows = await fill(portal, short, RetentionSettings(**SHORT))
    usual_rows = await fill(portal, usual, RetentionSettings())
    # What is past the short tenant's periods but not the usual ones, on the usual tenant: kept.
    usual_young = await fill(portal, usual, RetentionSettings(**SHORT), prefix="YNG")

    totals = await enforce_retention(portal, batch=2)

    assert totals == {"audit_entries": 6, "outbox_bodies": 4, "tickets": 6, "attachments": 6}
    left = await remaining(portal, short)
    assert left["audit"] == short_rows.audit_kept
    assert left["bodies"] == short_rows.mail_kept
    assert left["mails"] == sorted(short_rows.mail_old + short_rows.mail_kept)  # only the bodies go
    for name in ("tickets", "messages", "attachments", "ratings"):
        assert left[name] == short_rows.tickets_kept, name
    left = await remaining(portal, usual)
    assert left["audit"] == sorted(usual_rows.audit_kept + usual_young.audit_old + usual_young.audit_kept)
    assert left["tickets"] == sorted(usual_rows.tickets_kept + usual_young.tickets_old + usual_young.tickets_kept)
    storage = get_storage(portal)
    for key in short_rows.files_old + usual_rows.files_old:
        assert not await storage.exists(key)
    for key in short_rows.files_kept + usual_rows.files_kept + usual_young.files_old:
        assert await storage.exists(key)

    async with portal.database.session() as db:
        summaries = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "retention.enforced")))
    assert {(entry.tenant_id, entry.actor_type) for entry in summaries} == {(short.id, "system"), (usual.id, "system")}
    for entry in summaries:
        assert entry.data == {"removed": {"audit_entries": 3, "outbox_bodies": 2, "tickets": 3, "attachments": 3}}

    assert await enforce_retention(portal) == dict.fromkeys(totals, 0)  # nothing more to remove


async def test_the_summary_entry_is_itself_kept_for_the_audit_period(portal, tenants, time_machine):
    short, _usual = tenants
    time_machine.move_to(NOW, tick=False)
    async with portal.database.session() as db:
        db.add(AuditEvent(tenant_id=short.id, action="identity.logged_in", created_at=NOW - timedelta(days=11)))
        await db.commit()
    await enforce_retention(portal)
    time_machine.move_to(NOW + timedelta(days=10) - SECOND, tick=False)
    assert (await enforce_retention(portal))["audit_entries"] == 0
    time_machine.move_to(NOW + timedelta(days=10) + SECOND, tick=False)
    assert (await enforce_retention(portal))["audit_entries"] == 1
    async with portal.database.session() as db:
        kept = list(await db.scalars(select(AuditEvent.created_at).where(AuditEvent.tenant_id == short.id)))
    assert kept == [NOW + timedelta(days=10) + SECOND]  # the newest summary only


def test_the_documented_defaults() -> None:
    assert RetentionSettings() == RetentionSettings(
        audit_days=AUDIT_DAYS, outbox_body_days=OUTBOX_BODY_DAYS, closed_ticket_days=CLOSED_TICKET_DAYS
    )
    assert (AUDIT_DAYS, OUTBOX_BODY_DAYS, CLOSED_TICKET_DAYS) == (365, 30, 730)
