"""SLA clock: business hours in the tenant's zone, weekends, Quebec and Belgian holidays, pauses, breach."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from core.tenancy.models import Tenant
from core.ticketing.models import NO_DUE, Ticket, TicketStatus
from core.ticketing.service import apply_status
from core.ticketing.sla import BusinessCalendar, is_breached

MONTREAL = ZoneInfo("America/Montreal")
BRUSSELS = ZoneInfo("Europe/Brussels")


def quebec() -> Tenant:
    return Tenant(slug="qc", name="QC", timezone="America/Montreal", country="CA", subdivision="QC", settings={})


def belgium() -> Tenant:
    return Tenant(slug="be", name="BE", timezone="Europe/Brussels", country="BE", subdivision=None, settings={})


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


def test_weekend_is_skipped():
    calendar = BusinessCalendar.for_tenant(quebec())
    friday_4pm = local(MONTREAL, 2026, 11, 27, 16, 0)
    assert calendar.add_minutes(friday_4pm, 8 * 60) == local(MONTREAL, 2026, 11, 30, 16, 0)
    assert calendar.minutes_between(friday_4pm, local(MONTREAL, 2026, 11, 30, 16, 0)) == 8 * 60


def test_before_opening_and_after_closing_start_at_the_next_window():
    calendar = BusinessCalendar.for_tenant(quebec())
    assert calendar.add_minutes(local(MONTREAL, 2026, 11, 30, 6, 0), 60) == local(MONTREAL, 2026, 11, 30, 10, 0)
    assert calendar.add_minutes(local(MONTREAL, 2026, 11, 30, 20, 0), 60) == local(MONTREAL, 2026, 12, 1, 10, 0)


def test_quebec_saint_jean_baptiste_is_not_a_business_day():
    calendar = BusinessCalendar.for_tenant(quebec())
    tuesday = local(MONTREAL, 2026, 6, 23, 10, 0)
    # 7 h on Tuesday, Wednesday 24 June is the Fête nationale, the last hour on Thursday
    assert calendar.add_minutes(tuesday, 8 * 60) == local(MONTREAL, 2026, 6, 25, 10, 0)
    # the same dates on a Belgian calendar have no holiday
    assert BusinessCalendar.for_tenant(belgium()).add_minutes(local(BRUSSELS, 2026, 6, 23, 10, 0), 8 * 60) == local(
        BRUSSELS, 2026, 6, 24, 10, 0
    )


def test_belgian_national_day_is_not_a_business_day():
    calendar = BusinessCalendar.for_tenant(belgium())
    monday = local(BRUSSELS, 2026, 7, 20, 15, 0)
    assert calendar.add_minutes(monday, 8 * 60) == local(BRUSSELS, 2026, 7, 22, 15, 0)


def test_business_hours_are_configurable_per_tenant():
    tenant = quebec()
    tenant.settings = {"ticketing": {"business_hours": {"start": "08:00", "end": "12:00", "days": [0, 1, 2, 3, 4, 5]}}}
    calendar = BusinessCalendar.for_tenant(tenant)
    friday_11 = local(MONTREAL, 2026, 11, 27, 11, 0)
    assert calendar.add_minutes(friday_11, 120) == local(MONTREAL, 2026, 11, 28, 9, 0)


def _ticket(hours: int) -> Ticket:
    return Ticket(
        reference="X",
        category="c",
        subject="s",
        requester_email="a@b.c",
        sla_target_minutes=hours * 60,
        sla_used_minutes=0,
        sort_due_at=NO_DUE,
        status=TicketStatus.NEW,
    )


def test_clock_pauses_while_waiting_on_the_customer():
    tenant = quebec()
    ticket = _ticket(8)
    apply_status(ticket, TicketStatus.NEW, tenant, local(MONTREAL, 2026, 11, 30, 9, 0))
    assert ticket.sla_due_at == local(MONTREAL, 2026, 11, 30, 17, 0)
    apply_status(ticket, TicketStatus.WAITING, tenant, local(MONTREAL, 2026, 11, 30, 11, 0))
    assert ticket.sla_due_at is None
    assert ticket.sort_due_at == NO_DUE
    assert ticket.sla_used_minutes == 120
    apply_status(ticket, TicketStatus.OPEN, tenant, local(MONTREAL, 2026, 12, 2, 9, 0))
    assert ticket.sla_due_at == local(MONTREAL, 2026, 12, 2, 15, 0)
    assert not is_breached(ticket, local(MONTREAL, 2026, 12, 2, 14, 59))
    assert is_breached(ticket, local(MONTREAL, 2026, 12, 2, 15, 1))
    apply_status(ticket, TicketStatus.RESOLVED, tenant, local(MONTREAL, 2026, 12, 2, 16, 0))
    assert ticket.sla_breached_at == local(MONTREAL, 2026, 12, 2, 15, 0)
    assert ticket.resolved_at == local(MONTREAL, 2026, 12, 2, 16, 0)


def test_unknown_country_means_no_holidays():
    tenant = SimpleNamespace(timezone="UTC", country="ZZ", subdivision=None, settings={})
    calendar = BusinessCalendar.for_tenant(tenant)  # type: ignore[arg-type]
    assert calendar.is_working_day(datetime(2026, 12, 25).date())


async def test_ticket_opened_before_the_fete_nationale_is_due_after_it(alpha, tenant_client, portal, time_machine):
    from sqlalchemy import select

    from core.testing import csrf_of

    time_machine.move_to(local(MONTREAL, 2026, 6, 23, 10, 0), tick=False)
    client = tenant_client(alpha)
    csrf = csrf_of((await client.get("/support/new/billing")).text)
    data = {
        "csrf_token": csrf,
        "name": "Zoé",
        "email": "zoe@example.com",
        "subject": "Help",
        "description": "Text",
        "f_customer_number": "C-1",
        "f_topic": "late",
    }
    response = await client.post("/support/new/billing", data=data)
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        ticket = await db.scalar(select(Ticket))
    assert ticket.sla_due_at == local(MONTREAL, 2026, 6, 25, 10, 0)
    page = await client.get("/support/sent")
    assert "Jun 25, 2026" in page.text
