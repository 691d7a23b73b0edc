"""The OIDC default plugin: the provider's routes on every tenant, its console pages, ``portique oidc``."""

from __future__ import annotations

import click
from starlette.routing import BaseRoute, Route

from core.hookspecs import hookimpl
from core.oidc import consent, console, endpoints, logout
from core.oidc import models as _models  # noqa: F401 - registers the tables
from core.oidc.cli import oidc
from core.plugin_info import PluginInfo


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="oidc", version="0.1.0", title="OpenID Connect provider", default=True)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/.well-known/openid-configuration", endpoints.discovery, name="oidc_discovery"),
        Route("/.well-known/jwks.json", endpoints.jwks, name="oidc_jwks"),
        Route("/oidc/authorize", consent.authorize, methods=["GET", "POST"], name="oidc_authorize"),
        Route("/oidc/token", endpoints.token, methods=["POST"], name="oidc_token"),
        Route("/oidc/userinfo", endpoints.userinfo, methods=["GET", "POST"], name="oidc_userinfo"),
        Route("/oidc/revoke", endpoints.revoke, methods=["POST"], name="oidc_revoke"),
        Route("/oidc/logout", logout.logout, methods=["GET", "POST"], name="oidc_logout"),
        *console.console_routes(),
    ]


@hookimpl
def portique_cli(group: click.Group) -> None:
    group.add_command(oidc)
