"""The headless API default plugin: ``/api/v1/…`` on every tenant, the core's endpoints, ``portique api``."""

from __future__ import annotations

import click
from starlette.routing import BaseRoute

from core.headless.cli import api
from core.headless.contract import ApiRoute
from core.headless.tenant_api import core_routes, tenant_routes
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo
from core.tenancy.models import Tenant


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="headless", version="0.1.0", title="JSON API for native apps", default=True)


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    return tenant_routes()


@hookimpl
def portique_api_routes(tenant: Tenant) -> list[ApiRoute]:
    return core_routes()


@hookimpl
def portique_cli(group: click.Group) -> None:
    group.add_command(api)
