"""A tenant's API: the core's routes and those of its enabled plugins, as Starlette routes and as a schema."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from core.headless.auth import auth_routes, require_bearer
from core.headless.contract import ApiRoute
from core.headless.openapi import REFERENCE_SERVER, document
from core.headless.profile import profile_routes
from core.headless.routing import starlette_routes
from core.headless.tickets import ticket_routes
from core.hook_relay import HookRelay
from core.plugins import PluginManager, flatten
from core.portal import get_portal
from core.tenancy.models import Tenant


def core_routes() -> list[ApiRoute]:
    """The core's endpoints: sign-in, profile, tickets."""
    return [*auth_routes(), *profile_routes(), *ticket_routes()]


def api_routes(hooks: HookRelay, tenant: Tenant) -> list[ApiRoute]:
    """Every API route of the tenant (``portique_api_routes`` of the core and of its plugins)."""
    return flatten(hooks.portique_api_routes(tenant=tenant))


def tenant_schema(tenant: Tenant) -> dict[str, Any]:
    """The OpenAPI document of a tenant's API, its server being the tenant's address."""
    server = {"url": get_portal().tenant_url(tenant, "").rstrip("/")}
    return document(api_routes(get_portal().hooks(tenant), tenant), [server])


def reference_schema(plugins: PluginManager) -> dict[str, Any]:
    """The schema of a tenant with every installed plugin enabled: the documentation's copy."""
    tenant = Tenant(slug="example", name="Example", plugins=plugins.provider_names)
    return document(api_routes(plugins.for_tenant(tenant), tenant), [REFERENCE_SERVER])


async def openapi_json(request: Request) -> Response:
    """``/api/v1/openapi.json``: this tenant's schema (its plugins' endpoints included)."""
    return JSONResponse(tenant_schema(request.state.tenant), headers={"Cache-Control": "no-cache"})


class TenantApi:
    """The ASGI app mounted at ``/api/v1`` on every tenant: the tenant's API router, built on first use.

    The routes depend on the tenant's plugins; the router is kept until the tenant's configuration
    changes, as the tenant's pages are.
    """

    def __init__(self) -> None:
        self._routers: dict[int, tuple[str, Router]] = {}

    def router_for(self, tenant: Tenant) -> Router:
        """The tenant's API router (rebuilt when the tenant changed)."""
        version = tenant.updated_at.isoformat() if tenant.updated_at else ""
        kept = self._routers.get(tenant.id)
        if kept is None or kept[0] != version:
            schema = Route("/openapi.json", openapi_json, name="api_openapi")
            routes = starlette_routes(api_routes(get_portal().hooks(tenant), tenant), require_bearer)
            kept = self._routers[tenant.id] = (version, Router(routes=[schema, *routes]))
        return kept[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tenant = Request(scope).state.tenant
        await self.router_for(tenant)(scope, receive, send)
