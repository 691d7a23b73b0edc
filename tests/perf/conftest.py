"""Fixtures of the statement budgets: a statement counter on the portal's engine, and a warm-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from core.portal import Portal


class QueryLog:
    """The SQL statements sent on the portal's engine while it is attached."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        """Forget what was counted so far."""
        self.statements.clear()

    def report(self) -> str:
        """The statements, one per line (shown when a bound is exceeded)."""
        return "\n".join(f"  {i + 1}. {' '.join(s.split())[:200]}" for i, s in enumerate(self.statements))


@pytest.fixture
def queries(portal: Portal) -> Iterator[QueryLog]:
    """Counts the statements the portal's engine executes (a ``before_cursor_execute`` listener)."""
    log = QueryLog()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        log.statements.append(statement)

    event.listen(portal.database.sync_engine, "before_cursor_execute", count)
    yield log
    event.remove(portal.database.sync_engine, "before_cursor_execute", count)


async def warm(portal: Portal, client: Any, path: str, queries: QueryLog, **kwargs: Any) -> None:
    """One request to fill the per-tenant caches (router, Jinja environment, catalogs), then a fresh count."""
    await client.get(path, **kwargs)
    await portal.registry.refresh(force=True)  # the registry's periodic reload is not part of a page
    queries.clear()
