"""What a plugin declares to have the worker run periodically (``portique_periodic_jobs``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    """Background work run by ``portique worker``.

    :param name: shown in logs.
    :param every: the interval between two runs.
    :param run: async callable receiving the portal (``core.api.Portal``); a truthy result is logged.
    """

    name: str
    every: timedelta
    run: Callable[[Any], Awaitable[Any]]
