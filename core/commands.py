"""What every ``portique`` command body needs: the portal built from the environment, and a runner.

The core's and the plugins' click commands import these (plugins through ``core.api``); the
``portique`` group itself lives in ``core.cli``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

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


def run(portal: Portal, coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run an async command body, then close the database."""

    async def main() -> T:
        portal.activate()
        try:
            return await coro_fn()
        finally:
            await portal.database.dispose()

    return asyncio.run(main())
