"""Checking the rows of a registry import: the cell readers an importer's ``validate`` uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from core.i18n import gettext as _
from core.imports import RowError, Rows


class RowChecks:
    """Checks the rows of an import file one by one and collects a :class:`RowError` per problem.

    The cell readers answer the cleaned value, or ``None`` after recording why it cannot be used::

        check = RowChecks()
        for row in check.each(rows):
            number = check.required(row, "number")
            check.unique("number", number, _("This number appears twice in the file."))
            check.date(row, "start_date")
        return check.errors
    """

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.line = 1
        self._seen: defaultdict[str, set[str]] = defaultdict(set)

    def each(self, rows: Rows) -> Iterator[dict[str, str]]:
        """The rows, each with its file line (the header is line 1) as ``self.line``."""
        for self.line, row in enumerate(rows, start=2):
            yield row

    def fail(self, column: str, message: object) -> None:
        """Record a problem of the current row's ``column``."""
        self.errors.append(RowError(self.line, column, str(message)))

    @staticmethod
    def cell(row: dict[str, str], column: str, default: str = "") -> str:
        """The trimmed cell (``default`` when the column is missing or empty)."""
        return (row.get(column) or "").strip() or default

    def required(self, row: dict[str, str], column: str) -> str | None:
        """The trimmed cell; an empty one is a problem."""
        value = self.cell(row, column)
        if not value:
            self.fail(column, _("This column is required."))
            return None
        return value

    def unique(self, column: str, value: str | None, message: object) -> None:
        """``message`` when ``value`` already came in an earlier row of the file."""
        if not value:
            return
        if value in self._seen[column]:
            self.fail(column, message)
        self._seen[column].add(value)

    def choice(self, row: dict[str, str], column: str, allowed: Collection[str], message: object) -> str | None:
        """The cell when it is one of ``allowed``; otherwise ``message``."""
        value = self.cell(row, column)
        if value not in allowed:
            self.fail(column, message)
            return None
        return value

    def date(self, row: dict[str, str], column: str, *, required: bool = True) -> date | None:
        """An ISO date (``2026-01-31``); an empty optional cell is ``None`` without a problem."""
        raw = self.cell(row, column)
        if not raw:
            if required:
                self.fail(column, _("This column is required."))
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(column, _("Use a date like 2026-01-31."))
            return None

    def amount(self, row: dict[str, str], column: str) -> Decimal | None:
        """A finite, non-negative decimal; a decimal comma is read as a point."""
        try:
            value = parse_amount(self.cell(row, column))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            self.fail(column, _("Use a number like 123.45."))
            return None
        return value


def parse_amount(raw: str) -> Decimal:
    """``raw`` as a decimal, a decimal comma read as a point (``InvalidOperation`` when it is no number)."""
    return Decimal(raw.strip().replace(",", "."))
