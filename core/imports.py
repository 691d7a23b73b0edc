"""Customer-registry imports: a plugin describes a CSV format and how to apply it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.tenancy.models import Tenant


@dataclass(frozen=True)
class RowError:
    """A problem with one row of an import (line 1 is the header, so data starts at 2)."""

    line: int
    column: str
    message: str


Rows = Sequence[dict[str, str]]


@dataclass(frozen=True)
class RegistryImporter:
    """A CSV import of back-office data through the plugin's backend.

    :param code: identifier (``customers``, ``devices``…).
    :param label: lazy translatable label.
    :param columns: expected header columns.
    :param validate: returns every row error; an empty list means the rows can be applied.
    :param apply: writes the rows (called only after ``validate`` found nothing, in one transaction).
    """

    code: str
    label: object
    columns: tuple[str, ...]
    validate: Callable[[AsyncSession, Tenant, Rows], Awaitable[list[RowError]]]
    apply: Callable[[AsyncSession, Tenant, Rows], Awaitable[int]]
