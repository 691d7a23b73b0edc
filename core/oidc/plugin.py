"""The OIDC default plugin: the provider's routes on every tenant, its console pages, ``portique oidc``.

The pages load on their first request and the command group when the command line is built:
Authlib's JOSE (joserfc) and cryptography's bindings stay out of the web workers until an OIDC
request arrives. The CSRF check sees the route's endpoint, so the machine endpoints are marked here.
"""

from __future__ import annotations

import click
from starlette.routing import BaseRoute, Route

from core.console.auth import staff_required
from core.hookspecs import hookimpl
from core.oidc import models as _models  # noqa: F401 - registers the tables
from core.plugin_info import PluginInfo
from core.sessions.csrf import machine_endpoint
from core.web.lazy import lazy_endpoint


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="oidc", version="0.1.0", title="OpenID Connect provider", default=True)


def _endpoint(name: str) -> str:
    return f"core.oidc.endpoints:{name}"


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/.well-known/openid-configuration", lazy_endpoint(_endpoint("discovery")), name="oidc_discovery"),
        Route("/.well-known/jwks.json", lazy_endpoint(_endpoint("jwks")), name="oidc_jwks"),
        Route(
            "/oidc/authorize",
            lazy_endpoint("core.oidc.consent:authorize"),
            methods=["GET", "POST"],
            name="oidc_authorize",
        ),
        Route("/oidc/token", machine_endpoint(lazy_endpoint(_endpoint("token"))), methods=["POST"], name="oidc_token"),
        Route(
            "/oidc/userinfo",
            machine_endpoint(lazy_endpoint(_endpoint("userinfo"))),
            methods=["GET", "POST"],
            name="oidc_userinfo",
        ),
        Route(
            "/oidc/revoke", machine_endpoint(lazy_endpoint(_endpoint("revoke"))), methods=["POST"], name="oidc_revoke"
        ),
        Route("/oidc/logout", lazy_endpoint("core.oidc.logout:logout"), methods=["GET", "POST"], name="oidc_logout"),
        *_console_routes(),
    ]


def _console_routes() -> list[BaseRoute]:
    """The console's OIDC pages (operators only)."""
    return [
        Route(
            "/console/oidc/clients",
            staff_required(lazy_endpoint("core.oidc.console:clients"), operator=True),
            methods=["GET", "POST"],
            name="console_oidc_clients",
        ),
        Route(
            "/console/oidc/clients/{client_pk:id}/toggle",
            staff_required(lazy_endpoint("core.oidc.console:client_toggle"), operator=True),
            methods=["POST"],
        ),
    ]


@hookimpl
def portique_cli(group: click.Group) -> None:
    from core.oidc.cli import oidc  # signing keys: cryptography and joserfc, loaded for the command line only

    group.add_command(oidc)
