"""Business rules without I/O: advance-change refusals, settlement projection, invoice status, readings."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from stdnum.be import ogm_vcs

from plugins.luminus_energy.models import Frequency, InvoiceKind
from plugins.luminus_energy.settings import LuminusSettings

CENT = Decimal("0.01")
FREQUENCY_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to the day after ``end`` (a period 1 Jan–31 Dec has 12)."""
    delta = relativedelta(end + relativedelta(days=1), start)
    return max(0, int(delta.years) * 12 + int(delta.months))


# -- settlement projection ------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """The settlement expected at the end of the billing period for one advance amount."""

    cost: Decimal
    paid: Decimal
    remaining_count: int
    remaining: Decimal
    settlement: Decimal

    @property
    def is_refund(self) -> bool:
        """The customer gets money back."""
        return self.settlement < 0


def period_cost(
    annual_consumption: Decimal, unit_price: Decimal, fixed_monthly: Decimal, vat_rate: Decimal, months: int
) -> tuple[Decimal, Decimal]:
    """(consumption, cost incl. VAT) of a period of ``months`` months."""
    consumption = (annual_consumption * months / 12).quantize(Decimal("0.1"), ROUND_HALF_UP)
    net = consumption * unit_price + fixed_monthly * months
    cost = (net * (1 + vat_rate / 100)).quantize(CENT, ROUND_HALF_UP)
    return consumption, cost


def project_settlement(cost: Decimal, paid: Decimal, remaining_count: int, amount: Decimal) -> Projection:
    """Settlement = period cost − advances already invoiced − ``amount`` × advances still to come.

    Positive: an extra payment; negative: a refund.
    """
    remaining = (amount * remaining_count).quantize(CENT)
    return Projection(
        cost=cost,
        paid=paid,
        remaining_count=remaining_count,
        remaining=remaining,
        settlement=(cost - paid - remaining).quantize(CENT),
    )


def recommended_amount(cost: Decimal, paid: Decimal, remaining_count: int) -> Decimal:
    """The whole-euro advance that brings the settlement closest to zero (never negative)."""
    if remaining_count <= 0:
        return Decimal("0")
    return Decimal(max(0, math.ceil((cost - paid) / remaining_count)))


def advance_bounds(recommended: Decimal, current: Decimal, settings: LuminusSettings) -> tuple[int, int]:
    """(minimum, maximum) whole-euro advance the customer may choose online."""
    base = max(recommended, Decimal(1))
    low = max(settings.advance_min_amount, math.floor(base * settings.advance_min_percent / 100))
    high = max(math.ceil(base * settings.advance_max_percent / 100), math.ceil(current), low + 1)
    return int(min(low, math.floor(current))) if current > 0 else int(low), int(high)


# -- refusals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why the advance cannot be changed online: a code and the values its explanation needs."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AdvanceSituation:
    """What the refusal rules look at for one contract, today."""

    today: date
    timezone: str
    frequency: str
    contract_start: date
    contract_end: date | None
    period_end: date
    period_start: date
    last_change: datetime | None
    overdue_invoice: str | None


def _billing_slot(day: date, frequency: str, period_start: date) -> tuple[date, date]:
    """The invoicing interval containing ``day``: its calendar month (monthly) or quarter of the period."""
    months = FREQUENCY_MONTHS.get(Frequency(frequency), 1)
    if months == 1:
        start = day.replace(day=1)
        return start, start + relativedelta(months=1)
    delta = relativedelta(day, period_start)
    elapsed = max(0, delta.years * 12 + delta.months)
    start = period_start + relativedelta(months=(elapsed // months) * months)
    return start, start + relativedelta(months=months)


def advance_refusals(situation: AdvanceSituation, settings: LuminusSettings) -> list[Refusal]:
    """Every reason of the seed FAQ why the advance cannot be changed online (empty: allowed)."""
    refusals: list[Refusal] = []
    today = situation.today
    if situation.last_change is not None:
        changed_on = situation.last_change.astimezone(ZoneInfo(situation.timezone)).date()
        start, next_start = _billing_slot(today, situation.frequency, situation.period_start)
        if changed_on >= start:
            refusals.append(
                Refusal(
                    "already_changed",
                    {"changed_on": changed_on, "next": next_start, "monthly": situation.frequency == Frequency.MONTHLY},
                )
            )
    months = FREQUENCY_MONTHS.get(Frequency(situation.frequency), 1)
    if situation.period_end < today + relativedelta(months=months):
        refusals.append(Refusal("next_is_settlement", {"period_end": situation.period_end}))
    if situation.contract_end is not None and situation.contract_end <= today + relativedelta(
        days=settings.contract_end_notice_days
    ):
        refusals.append(Refusal("contract_ending", {"end": situation.contract_end}))
    if situation.overdue_invoice:
        refusals.append(Refusal("unpaid", {"number": situation.overdue_invoice}))
    available = situation.contract_start + relativedelta(months=settings.min_consumption_months)
    if today < available:
        refusals.append(Refusal("too_short", {"from": available}))
    return refusals


# -- invoices ------------------------------------------------------------------------------------------


def invoice_status(kind: str, amount: Decimal, paid: Decimal, due: date, today: date, cancelled: bool = False) -> str:
    """``paid``, ``open``, ``overdue``, ``credited`` (credit notes) or ``cancelled``."""
    if cancelled:
        return "cancelled"
    if kind == InvoiceKind.CREDIT_NOTE:
        return "credited"
    if paid >= amount:
        return "paid"
    return "overdue" if due < today else "open"


@dataclass(frozen=True)
class InvoiceCopies:
    """Which invoices a customer can have on a day: the PDF online for ``pdf_years`` years, then a copy
    on request from the archive until ``archive_years`` years (the limits are computed once per page)."""

    online_since: date
    archived_since: date

    @classmethod
    def on(cls, today: date, pdf_years: int, archive_years: int) -> InvoiceCopies:
        """The limits on ``today``."""
        return cls(today - relativedelta(years=pdf_years), today - relativedelta(years=archive_years))

    def downloadable(self, issue_date: date) -> bool:
        """The PDF may be downloaded online (issued less than ``pdf_years`` years ago)."""
        return issue_date >= self.online_since

    def requestable(self, issue_date: date) -> bool:
        """The invoice is older than the online window but still in the archive (on request)."""
        return self.archived_since <= issue_date < self.online_since


# -- meter readings ------------------------------------------------------------------------------------


def parse_index(raw: str) -> tuple[int | None, str | None]:
    """(value, problem code) of a typed index: digits before the comma only."""
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return None, "required"
    if "," in text or "." in text:
        return None, "decimals"
    if not (text.isascii() and text.isdigit()):
        return None, "digits"
    if len(text) > 9:
        return None, "too_long"
    return int(text), None


def deletion_problem(source: str, reading_date: date, is_latest: bool, closed_until: date | None) -> str | None:
    """Why a reading cannot be deleted (``None``: it can): only the most recent index the customer
    entered, never one in a closed billing period."""
    if source != "customer":
        return "not_customer"
    if closed_until is not None and reading_date <= closed_until:
        return "closed_period"
    if not is_latest:
        return "not_latest"
    return None


def interpolate(points: list[tuple[date, int]], day: date) -> float | None:
    """The index on ``day`` by linear interpolation between readings (``None`` outside their range)."""
    return _interpolate_ordered(sorted(points), day)


def _interpolate_ordered(ordered: list[tuple[date, int]], day: date) -> float | None:
    """:func:`interpolate` on readings already sorted by day."""
    for (d1, v1), (d2, v2) in itertools.pairwise(ordered):
        if d1 <= day <= d2:
            span = (d2 - d1).days
            return float(v1) if span == 0 else v1 + (v2 - v1) * (day - d1).days / span
    if ordered and day == ordered[-1][0]:
        return float(ordered[-1][1])
    return None


def monthly_consumption(registers: list[list[tuple[date, int]]], months: list[date]) -> list[tuple[date, int | None]]:
    """Consumption of each month (first days given) summed over the registers; ``None`` when unknown.

    Each register's readings are sorted once and its index is interpolated once per day where a month starts
    or ends (a month's end is the next one's start)."""
    ordered = [sorted(points) for points in registers]
    indexes: dict[tuple[int, date], float | None] = {}

    def index_on(register: int, day: date) -> float | None:
        key = (register, day)
        if key not in indexes:
            indexes[key] = _interpolate_ordered(ordered[register], day)
        return indexes[key]

    result: list[tuple[date, int | None]] = []
    for month in months:
        end = month + relativedelta(months=1)
        total = 0.0
        known = bool(registers)
        for register in range(len(ordered)):
            start_index, end_index = index_on(register, month), index_on(register, end)
            if start_index is None or end_index is None:
                known = False
                break
            total += end_index - start_index
        result.append((month, round(total) if known else None))
    return result


def daily_average(points: list[tuple[date, int]]) -> float | None:
    """Average consumption per day over the whole history of a register."""
    ordered = sorted(points)
    if len(ordered) < 2 or ordered[-1][0] == ordered[0][0]:
        return None
    return (ordered[-1][1] - ordered[0][1]) / (ordered[-1][0] - ordered[0][0]).days


def implausible(previous: tuple[date, int], new: tuple[date, int], average: float | None, factor: float) -> bool:
    """The new index is out of line with the history (more than ``factor`` × or less than 1/``factor`` of
    the usual consumption per day)."""
    if average is None or average <= 0:
        return False
    days = max(1, (new[0] - previous[0]).days)
    per_day = (new[1] - previous[1]) / days
    return per_day > average * factor or (days >= 30 and per_day < average / factor)


def structured_communication(invoice_number: str) -> str:
    """The Belgian structured communication (« +++123/4567/89002+++ ») of an invoice: 10 digits from the
    invoice number and their modulo-97 check digits (OGM-VCS, computed by python-stdnum)."""
    digits = "".join(ch for ch in invoice_number if ch.isdigit())[-10:].rjust(10, "0")
    return f"+++{ogm_vcs.format(digits + ogm_vcs.calc_check_digits(digits))}+++"


ESTIMATE_MONTHS = 18  # the yearly consumption is estimated from the indexes of this many months


def estimate_window_start(today: date) -> date:
    """The first day whose meter indexes :func:`annual_from_readings` reads."""
    start: date = today - relativedelta(months=ESTIMATE_MONTHS)
    return start


def annual_from_readings(registers: list[list[tuple[date, int]]], today: date, min_days: int = 90) -> Decimal | None:
    """Yearly consumption estimated from the meter indexes of the last 18 months (every register must span at
    least ``min_days``); ``None`` when the history is too short, so the contract's estimate applies."""
    if not registers:
        return None
    since = estimate_window_start(today)
    total = Decimal("0")
    for points in registers:
        recent = sorted(p for p in points if since <= p[0] <= today)
        if len(recent) < 2:
            return None
        days = (recent[-1][0] - recent[0][0]).days
        if days < min_days:
            return None
        total += Decimal(recent[-1][1] - recent[0][1]) * 365 / days
    return total.quantize(Decimal("1"), ROUND_HALF_UP)
