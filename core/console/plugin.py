"""The console default plugin: staff tables, console pages (operator host and tenants), ``portique staff``."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from core.console.demo import demo_staff
from core.console.macros import models as _macro_models  # noqa: F401 - registers the table
from core.console.macros.demo import demo_macros
from core.console.routes import console_routes
from core.console.saved_views import models as _view_models  # noqa: F401 - registers the table
from core.demo import DemoAccount
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo
from core.staff import models as _models  # noqa: F401 - registers the tables
from core.staff.cli import staff
from core.tenancy.models import Tenant


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="console", version="0.1.0", title="Console", default=True)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return console_routes()


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    return console_routes()


@hookimpl
def portique_cli(group: click.Group) -> None:
    group.add_command(staff)


@hookimpl
async def portique_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    accounts = await demo_staff(tenant, db)
    await demo_macros(tenant, db)
    return accounts
