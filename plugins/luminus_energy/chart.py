"""The monthly consumption chart of the readings page, laid out on the server (an SVG without JavaScript).

One horizontal bar per month, the month on its left and its value at its end, a value axis with round
ticks below, and the unit. The drawing is 400 units wide and scales to its container: its texts stay
readable on a 390 px phone and its rows never overflow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from core.api import format_date, format_number

WIDTH = 400
LABEL_WIDTH = 86  # month names, right-aligned against the bars
VALUE_ROOM = 76  # the value printed after the longest bar
ROW = 28
BAR = 18
TOP = 6
AXIS_ROOM = 44  # tick labels and the unit under the bars
PLOT = WIDTH - LABEL_WIDTH - VALUE_ROOM


@dataclass(frozen=True)
class Bar:
    """One month: its label, its bar (``width`` 0 when unknown) and the text at its end."""

    label: str
    y: float
    width: float
    value: str
    known: bool

    @property
    def text_y(self) -> float:
        """Baseline of the row's texts."""
        return self.y + BAR / 2 + 5


@dataclass(frozen=True)
class Tick:
    """A graduation of the value axis."""

    x: float
    label: str


@dataclass(frozen=True)
class ConsumptionChart:
    """Everything the template draws."""

    bars: list[Bar]
    ticks: list[Tick]
    height: float
    axis_y: float
    plot_left: float
    plot_right: float
    unit: str

    @property
    def known(self) -> bool:
        """At least one month has a value."""
        return any(bar.known for bar in self.bars)

    def drawing(self) -> Markup:
        """The grid, axis, bars and texts inside the ``<svg>`` (built here: a template loop escaping each
        coordinate cost more than the rest of the page)."""
        axis_y, left, right = self.axis_y, self.plot_left, self.plot_right
        parts = [
            f'<line class="grid" x1="{tick.x}" x2="{tick.x}" y1="0" y2="{axis_y}"></line>'
            f'<text class="tick" x="{tick.x}" y="{axis_y + 17}" text-anchor="middle">{escape(tick.label)}</text>'
            for tick in self.ticks
        ]
        parts.append(f'<line class="axis" x1="{left}" x2="{right}" y1="{axis_y}" y2="{axis_y}"></line>')
        parts.append(f'<text class="unit" x="{right}" y="{axis_y + 38}" text-anchor="end">{escape(self.unit)}</text>')
        for bar in self.bars:
            parts.append(
                f'<text class="month" x="{left - 8}" y="{bar.text_y}" text-anchor="end">{escape(bar.label)}</text>'
            )
            if bar.known:
                parts.append(f'<rect x="{left}" y="{bar.y}" width="{bar.width}" height="{BAR}" rx="2"></rect>')
            css = "value" if bar.known else "value unknown"
            parts.append(f'<text class="{css}" x="{left + bar.width + 6}" y="{bar.text_y}">{escape(bar.value)}</text>')
        return Markup("\n".join(parts))  # noqa: S704 - numbers, and texts escaped above


def nice_step(peak: float, most: int = 4) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) dividing ``0…peak`` into at most ``most`` intervals."""
    if peak <= 0:
        return 1
    raw = peak / most
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power) or 1
    return int(10 * power)


def consumption_chart(months: list[tuple[date, int | None]], unit: str, unknown: str) -> ConsumptionChart:
    """The chart of ``months`` (first day, consumption or ``None``) in the active locale; ``unknown`` is printed
    for a month without value."""
    known = [value for _month, value in months if value is not None]
    step = nice_step(max(known) if known else 0)
    top = max(step, math.ceil((max(known) if known else 0) / step) * step)
    scale = PLOT / top
    bars = [
        Bar(
            label=format_date(month, "MMM y"),
            y=TOP + index * ROW,
            width=round((value or 0) * scale, 1),
            value=f"{format_number(value)} {unit}" if value is not None else unknown,
            known=value is not None,
        )
        for index, (month, value) in enumerate(months)
    ]
    axis_y = TOP + len(months) * ROW
    ticks = [Tick(round(LABEL_WIDTH + v * scale, 1), format_number(v)) for v in range(0, top + 1, step)]
    return ConsumptionChart(bars, ticks, axis_y + AXIS_ROOM, axis_y, LABEL_WIDTH, LABEL_WIDTH + PLOT, unit)
