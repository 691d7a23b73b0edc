"""Keyset pages of a list shown newest first by id: ``?before=<id>`` asks for what is older.

A page costs one statement that reads one row more than the page (``WHERE id <= :at_most ORDER BY id
DESC LIMIT size + 1``), however deep the list: no ``OFFSET``, no count. The template shows the links
with the ``older_pager`` macro of ``macros/paging.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from starlette.requests import Request

from core.web.ids import ID_MAX, parse_id


class HasId(Protocol):
    """A row with an integer ``id``."""

    @property
    def id(self) -> int: ...


T = TypeVar("T", bound=HasId)


@dataclass(frozen=True)
class PageBound:
    """Which page was asked for: ``before`` (from the query string; ``None``: the first page)."""

    before: int | None

    @classmethod
    def of(cls, request: Request) -> PageBound:
        """The bound in ``?before=``; anything that is not a row id asks for the first page."""
        return cls(parse_id(request.query_params.get("before")))

    @property
    def at_most(self) -> int:
        """The highest id the page may show (bind it as the statement's ``at_most``)."""
        return self.before - 1 if self.before is not None else ID_MAX


@dataclass(frozen=True)
class IdPage(Generic[T]):
    """A page of rows, newest first: ``older`` is the ``before`` of the next page (``None``: the last)."""

    items: list[T]
    older: int | None
    paged: bool  # not the first page: the template offers the way back to the most recent

    @classmethod
    def of(cls, rows: Sequence[T], size: int, bound: PageBound) -> IdPage[T]:
        """The page from the statement's ``size + 1`` rows at most."""
        older = rows[size - 1].id if len(rows) > size else None
        return cls(list(rows[:size]), older, bound.before is not None)
