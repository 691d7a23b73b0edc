"""Resolve the tenant of a request from its Host header, else from a ``/t/<slug>/`` path prefix."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from core.tenancy.registry import TenantRegistry

PREFIX = "/t/"


def host_of(scope: Scope) -> str:
    """The request's host name, lower-cased, without the port."""
    for name, value in scope.get("headers", []):
        if name == b"host":
            host = str(value.decode("latin-1")).strip().lower()
            if host.startswith("["):
                return host.split("]")[0] + "]"
            return host.rsplit(":", 1)[0] if ":" in host else host
    return ""


class TenantMiddleware:
    """Sets ``scope["state"]["tenant"]`` (or ``None`` on the operator host).

    With a path prefix, the prefix is added to ``root_path`` (ASGI keeps it in ``path`` too), so
    the tenant's routes and ``url_for`` work the same under ``/t/<slug>/`` as at a host root.
    """

    def __init__(self, app: ASGIApp, registry: TenantRegistry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.registry.refresh()
        state = scope.setdefault("state", {})
        host = host_of(scope)
        tenant = self.registry.by_host(host)
        state["tenant_host"] = tenant is not None
        path: str = scope["path"]
        if tenant is None and path.startswith(PREFIX):
            slug, slash, _ = path[len(PREFIX) :].partition("/")
            tenant = self.registry.by_slug(slug)
            if tenant is not None:
                prefix = PREFIX + slug
                scope = dict(scope)
                scope["root_path"] = scope.get("root_path", "") + prefix
                state["needs_slash"] = not slash
            else:
                state["unknown_tenant"] = True
        elif tenant is None and host not in ("", self.registry.base_domain, "127.0.0.1", "testserver"):
            state["unknown_tenant"] = True
        state["tenant"] = tenant
        await self.app(scope, receive, send)
