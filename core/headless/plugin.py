"""The headless API default plugin: ``/api/v1/…`` on every tenant, the core's endpoints, ``portique api``.

The API's code loads on its first request (its tokens are the OIDC provider's, on Authlib's JOSE
and cryptography's bindings), and its command group when the command line is built.
"""

from __future__ import annotations

import click
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from core.headless.contract import ApiRoute
from core.headless.routing import PREFIX
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo
from core.tenancy.models import Tenant


class LazyTenantApi:
    """The ASGI app at ``/api/v1``: :class:`~core.headless.tenant_api.TenantApi`, made on the first API request."""

    def __init__(self) -> None:
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            from core.headless.tenant_api import TenantApi

            self._app = TenantApi()
        await self._app(scope, receive, send)


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="headless", version="0.1.0", title="JSON API for native apps", default=True)


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    """The API's mount (the CSRF check leaves a mounted app alone: the API takes bearer tokens only)."""
    return [Mount(PREFIX, app=LazyTenantApi(), name="api")]


@hookimpl
def portique_api_routes(tenant: Tenant) -> list[ApiRoute]:
    from core.headless.tenant_api import core_routes

    return core_routes()


@hookimpl
def portique_cli(group: click.Group) -> None:
    from core.headless.cli import api

    group.add_command(api)
