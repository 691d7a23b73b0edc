"""Links to one page per row of a list (an invoice's PDF, a reading's deletion) at the cost of one ``url_for``."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from core.api import ID_MAX, url_for


def row_link(request: Request, name: str, param: str) -> Callable[[int], str]:
    """``url_for(request, name, **{param: row_id})`` for any row id: the route's path is built once, with the
    largest id in its place, and each row's id put there."""
    marker = str(ID_MAX)
    head, _, tail = url_for(request, name, **{param: ID_MAX}).rpartition(marker)
    return lambda row_id: f"{head}{int(row_id)}{tail}"
