"""The SLA clock: business minutes in the tenant's time zone, skipping weekends and public holidays.

A tenant's calendar comes from its ``timezone``, ``country`` and ``subdivision`` (public holidays of
the ``holidays`` package: Quebec's Saint-Jean-Baptiste, Belgium's National Day…) and from the
optional ``settings["ticketing"]["business_hours"]``: ``{"start": "08:30", "end": "17:00",
"days": [0, 1, 2, 3, 4]}`` (Monday is 0).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.tenancy.models import Tenant
from core.ticketing.models import NO_DUE, Ticket

DEFAULT_START = time(9, 0)
DEFAULT_END = time(17, 0)
DEFAULT_DAYS = (0, 1, 2, 3, 4)
MAX_DAYS = 3660  # a target never spans more than ten years of calendar


@functools.cache
def _supported_countries() -> dict[str, list[str]]:
    """Country code → its subdivisions, as the ``holidays`` package knows them."""
    import holidays  # MBs of calendars: loaded by the first SLA clock, not by every process

    return dict(holidays.list_supported_countries())


@functools.lru_cache(maxsize=64)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    subdivisions = _supported_countries().get(country)
    if subdivisions is None:
        return frozenset()  # a country the package does not know: weekends only
    subdiv = subdivision if subdivision in subdivisions else None
    import holidays  # see _supported_countries

    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year).keys())


def _parse_time(value: object, default: time) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return default


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours of a tenant: the same window on each working day, minus public holidays."""

    timezone: str = "UTC"
    country: str = "CA"
    subdivision: str | None = None
    start: time = DEFAULT_START
    end: time = DEFAULT_END
    days: tuple[int, ...] = DEFAULT_DAYS

    @classmethod
    def for_tenant(cls, tenant: Tenant) -> BusinessCalendar:
        """The calendar of a tenant (its zone, country, subdivision and business-hours setting)."""
        hours = (tenant.settings or {}).get("ticketing", {}).get("business_hours", {})
        days = tuple(int(d) for d in hours.get("days", DEFAULT_DAYS) if 0 <= int(d) <= 6) or DEFAULT_DAYS
        start = _parse_time(hours.get("start", DEFAULT_START.isoformat()), DEFAULT_START)
        end = _parse_time(hours.get("end", DEFAULT_END.isoformat()), DEFAULT_END)
        if end <= start:
            start, end = DEFAULT_START, DEFAULT_END
        return cls(tenant.timezone or "UTC", tenant.country or "CA", tenant.subdivision, start, end, days)

    @property
    def zone(self) -> ZoneInfo:
        """The tenant's time zone (UTC when the configured name is unknown)."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def is_working_day(self, day: date) -> bool:
        """``day`` is a working weekday and not a public holiday."""
        return day.weekday() in self.days and day not in _holiday_dates(self.country, self.subdivision, day.year)

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The working window of ``day`` as aware UTC datetimes."""
        zone = self.zone
        opens = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def add_minutes(self, start: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` business minutes after ``start`` (``start`` itself when 0)."""
        remaining = timedelta(minutes=max(0, minutes))
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if self.is_working_day(day):
                opens, closes = self.window(day)
                begin = max(opens, start)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("the SLA target is beyond the calendar's horizon")

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Business minutes between two moments (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self.window(day)
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


def start_clock(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    """Start (or resume) the ticket's SLA clock at ``now``."""
    if ticket.sla_segment_start is not None:
        return
    ticket.sla_segment_start = now
    remaining = max(0, ticket.sla_target_minutes - ticket.sla_used_minutes)
    ticket.sla_due_at = calendar.add_minutes(now, remaining)
    ticket.sort_due_at = ticket.sla_due_at


def stop_clock(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    """Pause (or end) the clock at ``now``: the running segment's minutes are added to the used ones."""
    if ticket.sla_segment_start is None:
        return
    if ticket.sla_due_at is not None and now > ticket.sla_due_at and ticket.sla_breached_at is None:
        ticket.sla_breached_at = ticket.sla_due_at
    ticket.sla_used_minutes += calendar.minutes_between(ticket.sla_segment_start, now)
    ticket.sla_segment_start = None
    ticket.sla_due_at = None
    ticket.sort_due_at = NO_DUE


def note_breach(ticket: Ticket, now: datetime) -> bool:
    """Store the breach time when the running clock is past due; ``True`` when newly breached."""
    if ticket.sla_due_at is not None and now > ticket.sla_due_at and ticket.sla_breached_at is None:
        ticket.sla_breached_at = ticket.sla_due_at
        return True
    return False


def is_breached(ticket: Ticket, now: datetime) -> bool:
    """The ticket missed its target (stored breach, or a running clock past due)."""
    return ticket.sla_breached_at is not None or (ticket.sla_due_at is not None and now > ticket.sla_due_at)
