"""Routing tables: one per tenant (its plugins' pages, then the core's), one for the operator host."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from core.db.retry import retry_on_conflict
from core.plugins import flatten
from core.portal import Portal
from core.sessions.csrf import protect_routes
from core.tenancy.models import Tenant
from core.web import ids as _ids  # noqa: F401 - registers the ``{name:id}`` path convertor
from core.web.rendering import render


class RootRoute(Route):
    """A plugin page at the tenant root rather than under the plugin's ``url_prefix``.

    For a page that replaces a core one (``/register``) or joins a core area (``/console/…``).
    """


def under_prefix(routes: list[BaseRoute], url_prefix: str | None) -> list[BaseRoute]:
    """``routes`` of one plugin placed under its ``url_prefix`` (:class:`RootRoute` ones stay at the root)."""
    prefix = (url_prefix or "").rstrip("/")
    if not prefix:
        return list(routes)
    placed: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, RootRoute):
            placed.append(route)
        elif isinstance(route, Route):
            methods = sorted(route.methods or []) or None
            placed.append(Route(prefix + route.path, route.endpoint, methods=methods, name=route.name))
        elif isinstance(route, Mount):
            placed.append(Mount(prefix + route.path, app=route.app, name=route.name))
        else:
            raise TypeError(f"route {route!r}: a plugin contributes Route or Mount objects")
    return placed


def tenant_routes(portal: Portal, tenant: Tenant) -> list[BaseRoute]:
    """The tenant's routes: provider plugins first (they may replace a core page), then defaults.

    Each plugin's routes are placed under the ``url_prefix`` its :class:`~core.plugin_info.PluginInfo`
    declares, so its pages move with the prefix and link to each other by route name.
    """
    providers, defaults = portal.plugin_order(tenant)
    ordered = [
        under_prefix(
            flatten([portal.plugins.call_plugin(name, "portique_routes", tenant=tenant)]),
            portal.plugins.infos[name].url_prefix,
        )
        for name in (*providers, *defaults)
    ]
    return protect_routes(flatten(ordered), inner=retry_on_conflict)


async def operator_home(request: Request) -> Response:
    """The operator host's landing page: the portals this deployment serves."""
    portal: Portal = request.app.state.portal
    return await render(request, "operator_home.html", {"tenants": portal.registry.all()})


class IndexedRouter(Router):
    """A router that finds a route by its name in a dict, where Starlette's tries every route in turn.

    Starlette's ``url_path_for`` raises and catches ``NoMatchFound`` on each route before the right
    one: with a tenant's sixty routes and thirty links a page, that was most of building its links.
    The first route of each name answers, as in Starlette's order; any other case takes its scan.
    """

    def __init__(self, routes: list[BaseRoute]) -> None:
        super().__init__(routes=routes)
        self._by_name: dict[str, Route] = {}
        for route in self.routes:
            if isinstance(route, Route):
                self._by_name.setdefault(route.name, route)
        self._fixed_paths: dict[str, URLPath] = {}  # routes without parameters: their path never changes

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """The path of the route ``name`` with ``path_params`` (``NoMatchFound`` when there is none)."""
        if not path_params and name in self._fixed_paths:
            return self._fixed_paths[name]
        route = self._by_name.get(name)
        if route is not None and not path_params and not route.param_convertors:
            path = self._fixed_paths[name] = route.url_path_for(name)
            return path
        if route is not None and set(path_params) == route.param_convertors.keys():
            return route.url_path_for(name, **path_params)
        return super().url_path_for(name, **path_params)


class TenantRouters:
    """The router of each tenant, built once per tenant configuration, and its pages' paths by route name."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self._routers: dict[tuple[int, str], Router] = {}

    def router_for(self, tenant: Tenant) -> Router:
        """The cached router of a tenant (rebuilt when the tenant's configuration changes)."""
        key = (tenant.id, tenant.updated_at.isoformat())
        router = self._routers.get(key)
        if router is None:
            for stale in [k for k in self._routers if k[0] == tenant.id]:
                del self._routers[stale]
            router = self._routers[key] = IndexedRouter(tenant_routes(self.portal, tenant))
        return router

    def path_for(self, tenant: Tenant, name: str, /, **params: object) -> str:
        """The path inside the tenant of its page ``name`` (``/videotron/invitation/…``), without a request."""
        return str(self.router_for(tenant).url_path_for(name, **params))


class Dispatcher:
    """Sends a request to its tenant's router, the operator router, or the operator's 404 page."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        operator = [Route("/", operator_home), *flatten(portal.plugins.hook.portique_operator_routes())]
        self.operator_router = Router(routes=protect_routes(operator, inner=retry_on_conflict))

    def router_for(self, tenant: Tenant) -> Router:
        """The tenant's router (the portal keeps one per tenant configuration)."""
        return self.portal.routers.router_for(tenant)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.get("state", {})
        tenant = state.get("tenant")
        if state.get("unknown_tenant"):
            raise HTTPException(status_code=404)
        if tenant is None:
            await self.operator_router(scope, receive, send)
            return
        if state.get("needs_slash"):
            query = scope.get("query_string", b"").decode("latin-1")
            location = scope["root_path"] + "/" + (f"?{query}" if query else "")
            await RedirectResponse(location, status_code=307)(scope, receive, send)
            return
        router = self.router_for(tenant)
        scope["router"] = router  # ``url_for`` resolves the tenant's route names
        await router(scope, receive, send)
