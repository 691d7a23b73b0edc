"""« Consommation et relevés »: index history per register, monthly chart, adding and deleting an index."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import NamedTuple

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from core.api import audit, flash, format_date, format_number, parse_id, render, url_for
from core.api import gettext as _
from plugins.luminus_energy.chart import consumption_chart
from plugins.luminus_energy.customer_page import Ctx, customer_page, path_int
from plugins.luminus_energy.formats import numeric_date, parse_day
from plugins.luminus_energy.labels import register_label
from plugins.luminus_energy.links import row_link
from plugins.luminus_energy.models import MeterReading, Register, SupplyPoint
from plugins.luminus_energy.rules import (
    daily_average,
    deletion_problem,
    implausible,
    monthly_consumption,
    parse_index,
)


class Meter(NamedTuple):
    """What the readings page shows and checks of a supply point's meter."""

    registers: list[Register]
    readings: list[MeterReading]  # newest first
    closed_until: date | None


class HistoryRow(NamedTuple):
    """A row of the index history: the reading, the names of its register and source, its register's unit, and
    the address deleting it (empty when it cannot be deleted)."""

    reading: MeterReading
    register: str
    unit: str
    source: str
    delete: str


def history_html(rows: list[HistoryRow], labels: tuple[str, str, str, str], csrf_field: Markup) -> Markup:
    """The ``<tr>`` of the index history (written here: a template loop escaping each cell of every row cost more
    than the rest of the page); ``labels`` are the columns' (date, register, index, source), ``csrf_field`` the
    hidden input of the deletion forms."""
    on_date, on_register, on_index, on_source = (escape(label) for label in labels)
    delete_label = Markup(_("Delete the index of %(date)s"))  # noqa: S704 - catalogues are trusted, as in templates
    parts = []
    for reading, register, unit, source, delete in rows:
        day = format_date(reading.reading_date)
        action = ""
        if delete:
            action = (
                f'\n<form method="post" action="{escape(delete)}" class="inline">{csrf_field}\n'
                f'<button type="submit" class="link" aria-label="{delete_label % {"date": day}}"'
                f' data-delete="{int(reading.id)}">✕</button></form>\n'
            )
        parts.append(
            f'<tr data-reading="{int(reading.id)}">\n'
            f'<td data-label="{on_date}">{escape(day)}</td><td data-label="{on_register}">{escape(register)}</td>\n'
            f'<td class="num" data-label="{on_index}">{escape(format_number(reading.value))} {escape(unit)}</td>'
            f'<td data-source="{escape(reading.source)}" data-label="{on_source}">{escape(source)}</td>\n'
            f"<td>{action}</td>\n</tr>"
        )
    return Markup("\n".join(parts))  # noqa: S704 - every text escaped above


def source_labels() -> dict[str, str]:
    """Translated sources of an index."""
    return {
        "grid_operator": _("Read by the grid operator"),
        "customer": _("Entered by you"),
        "estimated": _("Estimated"),
    }


def _history(
    ctx: Ctx, registers: list[Register], names: dict[int, str], readings: list[MeterReading], closed_until: date | None
) -> list[HistoryRow]:
    """The rows of the index history (newest first), with the registers' ``names``; the links built once."""
    units = {r.id: r.unit for r in registers}
    sources = source_labels()
    delete = row_link(ctx.request, "luminus_delete_reading", "reading_id")
    latest: dict[int, int] = {}
    for reading in readings:  # newest first
        latest.setdefault(reading.register_id, reading.id)
    rows = []
    for reading in readings:
        register_id, source = reading.register_id, reading.source
        problem = deletion_problem(source, reading.reading_date, latest[register_id] == reading.id, closed_until)
        rows.append(
            HistoryRow(
                reading,
                names[register_id],
                units[register_id],
                sources.get(source, source),
                delete(reading.id) if problem is None else "",
            )
        )
    return rows


def index_problem(code: str) -> str:
    """Translated message of an index problem."""
    messages = {
        "required": _("Enter the index shown on your meter."),
        "decimals": _("Enter only the digits before the comma."),
        "digits": _("An index contains digits only."),
        "too_long": _("This index is too long: enter at most 9 digits."),
    }
    return messages[code]


async def _point(ctx: Ctx, point_id: int | None) -> tuple[list[SupplyPoint], SupplyPoint | None]:
    points = await ctx.backend.supply_points(ctx.db, ctx.customer)
    if point_id is None:
        return points, points[0] if points else None
    chosen = next((p for p in points if p.id == point_id), None)
    if chosen is None:
        raise HTTPException(status_code=404)
    return points, chosen


async def _meter(ctx: Ctx, point: SupplyPoint) -> Meter:
    """The point's registers, their readings (newest first) and the end of its latest closed billing period."""
    registers, readings = await ctx.backend.meter_history(ctx.db, [point])
    return Meter(registers, readings, await ctx.backend.closed_until(ctx.db, point))


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months before ``today``'s, the oldest first (counted in months, without
    date arithmetic: the chart asks for them on every view)."""
    current = today.year * 12 + today.month - 1
    return [date((current - i) // 12, (current - i) % 12 + 1, 1) for i in range(count, 0, -1)]


async def _page(
    ctx: Ctx, points: list[SupplyPoint], point: SupplyPoint | None, meter: Meter | None = None, **extra: object
) -> Response:
    registers: list[Register] = []
    names: dict[int, str] = {}
    history: list[HistoryRow] = []
    monthly: list[tuple[date, int | None]] = []
    if point is not None:
        registers, readings, closed_until = meter if meter is not None else await _meter(ctx, point)
        names = {r.id: register_label(r.code) for r in registers}
        history = _history(ctx, registers, names, readings, closed_until)
        months = month_starts(ctx.today, 12)
        series = [[(r.reading_date, r.value) for r in readings if r.register_id == reg.id] for reg in registers]
        monthly = monthly_consumption(series, months)
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    unit = registers[0].unit if registers else "kWh"
    return await render(
        ctx.request,
        "luminus_energy/readings.html",
        ctx.page(
            points=points,
            point=point,
            registers=registers,
            register_names=names,
            history_rows=partial(history_html, history),
            has_history=bool(history),
            months=monthly,
            chart=consumption_chart(monthly, unit, _("unknown")),
            page_title=_("Consumption and readings"),
            **{
                "values": {},
                "errors": {},
                "date_value": ctx.today.isoformat(),
                "date_error": "",
                "warning": False,
                **extra,
            },
        ),
        status_code=status,
    )


@customer_page
async def readings_page(ctx: Ctx) -> Response:
    """Choose a supply address and see its indexes and consumption."""
    raw = ctx.request.query_params.get("point")
    point_id = parse_id(raw)
    if raw and point_id is None:
        raise HTTPException(status_code=404)
    points, point = await _point(ctx, point_id)
    return await _page(ctx, points, point)


@customer_page(permission="readings")
async def add_reading(ctx: Ctx) -> Response:
    """« Ajouter votre index de compteur »: validate every register's index, warn when implausible."""
    points, point = await _point(ctx, path_int(ctx.request, "point_id"))
    assert point is not None
    form = await ctx.request.form()
    meter = await _meter(ctx, point)
    registers, readings, closed_until = meter
    values: dict[int, str] = {r.id: str(form.get(f"index_{r.id}", ""))[:20] for r in registers}
    errors: dict[int, str] = {}
    date_raw = str(form.get("reading_date", ""))[:10]
    date_error = ""
    parsed_day = parse_day(date_raw)
    day = parsed_day or ctx.today
    if parsed_day is not None:
        date_raw = parsed_day.isoformat()  # the date field shows it again as the browser sends it
    else:
        date_error = _("Enter the date of the reading, for example %(example)s.", example=numeric_date(ctx.today))
    if not date_error and day > ctx.today:
        date_error = _("The date of the reading cannot be in the future.")
    if not date_error and closed_until is not None and day <= closed_until:
        date_error = _("This date belongs to a billing period that is already closed.")
    parsed: dict[int, int] = {}
    warning = False
    for register in registers:
        value, problem = parse_index(values[register.id])
        if problem:
            errors[register.id] = index_problem(problem)
            continue
        assert value is not None
        history = [(r.reading_date, r.value) for r in readings if r.register_id == register.id]
        before = [h for h in history if h[0] <= day]
        previous = max(before) if before else None
        if previous is not None and value < previous[1]:
            errors[register.id] = _(
                "The index cannot be lower than the previous index of this register (%(value)s on %(date)s).",
                value=format_number(previous[1]),
                date=format_date(previous[0], "long"),
            )
            continue
        parsed[register.id] = value
        if previous is not None and implausible(
            previous, (day, value), daily_average(history), ctx.settings.plausibility_factor
        ):
            warning = True
    if errors or date_error:
        return await _page(
            ctx,
            points,
            point,
            meter,
            values=values,
            errors=errors,
            date_value=date_raw,
            date_error=date_error,
            status=422,
        )
    if warning and form.get("confirm_implausible") != "yes":
        return await _page(ctx, points, point, meter, values=values, errors={}, date_value=date_raw, warning=True)
    for register in registers:
        await ctx.backend.add_reading(ctx.db, register, parsed[register.id], day, ctx.user_id)
    audit(
        ctx.db,
        "luminus.reading_added",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_supply_point",
        subject_id=point.ean,
    )
    await ctx.db.commit()
    flash(ctx.request, _("Thank you: your meter index has been saved."), "success")
    return RedirectResponse(f"{url_for(ctx.request, 'luminus_readings')}?point={point.id}", status_code=303)


@customer_page(permission="readings")
async def delete_reading(ctx: Ctx) -> Response:
    """The cross next to an index: only the most recent one you entered, never in a closed period."""
    reading = await ctx.db.get(MeterReading, path_int(ctx.request, "reading_id"))
    register = await ctx.db.get(Register, reading.register_id) if reading else None
    point = await ctx.backend.supply_point(ctx.db, ctx.customer, register.supply_point_id) if register else None
    if reading is None or register is None or point is None:
        raise HTTPException(status_code=404)
    latest = (await ctx.backend.readings(ctx.db, [register]))[0]
    problem = deletion_problem(
        reading.source, reading.reading_date, latest.id == reading.id, await ctx.backend.closed_until(ctx.db, point)
    )
    target = f"{url_for(ctx.request, 'luminus_readings')}?point={point.id}"
    if problem is not None:
        message = {
            "not_customer": _("Only an index you entered yourself can be deleted."),
            "closed_period": _("This index belongs to a billing period that is already closed: it cannot be deleted."),
            "not_latest": _("Only your most recent index can be deleted."),
        }[problem]
        flash(ctx.request, message, "error")
        return RedirectResponse(target, status_code=303)
    await ctx.db.delete(reading)
    audit(
        ctx.db,
        "luminus.reading_deleted",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_supply_point",
        subject_id=point.ean,
    )
    await ctx.db.commit()
    flash(ctx.request, _("The index has been deleted."), "success")
    return RedirectResponse(target, status_code=303)
