"""Keyset paging of the customer's lists, newest first, on a (day, id) key: invoices and payments.

A page is asked for with ``older=<day>.<id>`` (the rows after that key, going back in time) or
``newer=<day>.<id>`` (the rows before it); without either, the newest rows. One statement per page
returns the rows with the list's size and the page's position, so the page says « 21 to 40 of 93 »
and knows whether there are newer or older rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Date, Integer, Row, Select, bindparam, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
"""A statement of any columns (a list's rows, whatever they hold)."""
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""One row of an :data:`AnySelect`."""

PAGE_SIZE = 20
MAX_ID = 2**31 - 1  # the ids are 32-bit integers on every database

T = TypeVar("T")
Direction = Literal["first", "older", "newer"]


@dataclass(frozen=True)
class Cursor:
    """The key of a row in a list ordered by day then id, both descending."""

    day: date
    id: int

    @property
    def token(self) -> str:
        """The cursor as it appears in a URL (``2026-03-01.1234``)."""
        return f"{self.day.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """The cursor of a URL parameter, or ``None`` when it is not one."""
        day_text, _, id_text = (raw or "").partition(".")
        if not id_text.isdigit() or len(id_text) > 10:
            return None
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            return None
        row_id = int(id_text)
        return cls(day, row_id) if 0 < row_id <= MAX_ID else None

    @classmethod
    def including(cls, day: date, row_id: int) -> Cursor:
        """The cursor whose ``older`` page starts with the row (``day``, ``row_id``): a link to the page holding it."""
        return cls(day, row_id + 1)


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list is asked for."""

    direction: Direction = "first"
    cursor: Cursor | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> PageRequest:
        """The page asked for by ``older`` or ``newer`` in the query string; the first page otherwise."""
        for direction in ("older", "newer"):
            cursor = Cursor.parse(params.get(direction))
            if cursor is not None:
                return cls(direction, cursor)
        return cls()


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it sits in the list, and the cursors of its neighbours."""

    items: list[T]
    total: int
    offset: int
    newer: Cursor | None
    older: Cursor | None

    @property
    def first_number(self) -> int:
        """Position of the first row in the list (from 1)."""
        return self.offset + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        """Position of the last row in the list."""
        return self.offset + len(self.items)


@dataclass(frozen=True)
class KeysetStatements:
    """The three statements of a list's pages, built once with bound parameters (``customer_id``, ``day``,
    ``id``, ``size``). Each row ends with the list's size and the number of rows before the page's first one
    (``older``: the rows not older than the cursor; ``newer``: the rows newer than it, the page's included)."""

    first: AnySelect
    older: AnySelect
    newer: AnySelect

    @classmethod
    def build(
        cls,
        rows: AnySelect,
        day: InstrumentedAttribute[date],
        row_id: InstrumentedAttribute[int],
        owner: ColumnElement[bool],
    ) -> KeysetStatements:
        """From ``rows`` (the list's columns, filtered by ``owner``, unordered) and its key columns."""
        key = tuple_(day, row_id)
        cursor = tuple_(bindparam("day", type_=Date), bindparam("id", type_=Integer))
        table = day.class_
        total = select(func.count()).select_from(table).where(owner).scalar_subquery()
        not_older = select(func.count()).select_from(table).where(owner, key >= cursor).scalar_subquery()
        newer = select(func.count()).select_from(table).where(owner, key > cursor).scalar_subquery()
        size = bindparam("size", type_=Integer)
        descending = (day.desc(), row_id.desc())
        return cls(
            first=rows.add_columns(total, select(literal(0)).scalar_subquery()).order_by(*descending).limit(size),
            older=rows.add_columns(total, not_older).where(key < cursor).order_by(*descending).limit(size),
            newer=rows.add_columns(total, newer).where(key > cursor).order_by(day, row_id).limit(size),
        )

    def statement(self, request: PageRequest) -> AnySelect:
        """The statement of the page asked for."""
        return {"first": self.first, "older": self.older, "newer": self.newer}[request.direction]


def page_params(request: PageRequest, size: int, **values: object) -> dict[str, object]:
    """The bound values of a page's statement."""
    params: dict[str, object] = {"size": size, **values}
    if request.cursor is not None:
        params.update(day=request.cursor.day, id=request.cursor.id)
    return params


def make_page(request: PageRequest, rows: list[tuple[T, int, int, date, int]], size: int) -> tuple[Page[T], bool]:
    """The page from its statement's rows, each ``(item, total, newer_than_cursor, day, id)``; and whether it is
    a short page at the top of the list (asked as ``newer``), which the caller replaces by the first page."""
    if request.direction == "newer":
        rows = rows[::-1]
    if not rows:
        return Page([], 0, 0, None, None), request.direction != "first"
    total = rows[0][1]
    if request.direction == "first":
        offset = 0
    elif request.direction == "older":
        offset = rows[0][2]
    else:
        offset = rows[0][2] - len(rows)
    first, last = rows[0], rows[-1]
    page = Page(
        [row[0] for row in rows],
        total,
        offset,
        Cursor(first[3], first[4]) if offset > 0 else None,
        Cursor(last[3], last[4]) if offset + len(rows) < total else None,
    )
    return page, request.direction == "newer" and len(rows) < size
