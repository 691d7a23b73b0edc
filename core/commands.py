"""What every ``portique`` command body needs: the portal built from the environment, and a runner.

The core's and the plugins' click commands import these (plugins through ``core.api``); the
``portique`` group itself lives in ``core.cli``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from core.db.engine import display_url
from core.plugins import PluginError
from core.portal import Portal
from core.settings import ConfigurationError, load_settings
from core.wiring import build_portal

T = TypeVar("T")


def make_portal() -> Portal:
    """Build the portal from the environment, turning configuration errors into one clear line."""
    try:
        portal = build_portal(load_settings())
    except (ConfigurationError, PluginError) as exc:
        raise click.ClickException(str(exc)) from None
    portal.activate()
    return portal


def _first_line(exc: BaseException) -> str:
    """The driver's own error (SQLAlchemy wraps it with a long text), on one line."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def ensure_migrated(portal: Portal) -> None:
    """Stop the command, in one line, when the database cannot be reached or is not migrated."""
    from core.db.migrations import unapplied_heads

    where = display_url(portal.settings.database_url)
    try:
        behind = await unapplied_heads(portal.database.engine, portal.plugins)
    except (OSError, SQLAlchemyError) as exc:
        raise click.ClickException(f"cannot reach the database {where}: {_first_line(exc)}") from None
    if behind:
        shown = ", ".join(behind[:3]) + (f" and {len(behind) - 3} more" if len(behind) > 3 else "")
        raise click.ClickException(
            f"the database {where} is not migrated (not applied: {shown}): run `portique db upgrade`"
        )


def run(portal: Portal, coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Check that the database is migrated, run an async command body, then close the database."""

    async def main() -> T:
        portal.activate()
        try:
            await ensure_migrated(portal)
            return await coro_fn()
        finally:
            await portal.database.dispose()

    return asyncio.run(main())
