"""CSRF protection, applied by the core to every tenant and console route."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FIELD = "csrf_token"
HEADER = "x-csrf-token"

Endpoint = Callable[[Request], Awaitable[Response]]


def csrf_protect(endpoint: Endpoint) -> Endpoint:
    """Wrap an endpoint: an unsafe request without this session's token gets a 403 page."""

    @functools.wraps(endpoint)
    async def checked(request: Request) -> Response:
        if request.method not in SAFE_METHODS:
            token = request.headers.get(HEADER)
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                form = await _without_nul(request)
                if token is None:
                    value = form.get(FIELD)
                    token = value if isinstance(value, str) else None
            if not request.state.session.check_csrf(token):
                raise HTTPException(status_code=403, detail="csrf")
        return await endpoint(request)

    checked.__portique_csrf__ = True  # type: ignore[attr-defined]
    return checked


def machine_endpoint(endpoint: Endpoint) -> Endpoint:
    """Mark an endpoint as not protected by the session's CSRF token (servers call it, with no session)."""
    endpoint.__portique_csrf__ = True  # type: ignore[attr-defined]
    return endpoint


async def _without_nul(request: Request) -> FormData:
    """The request's form with NUL characters dropped from its values, for the page too.

    No one types a NUL, and PostgreSQL refuses one in any text. Starlette keeps the parsed form on
    the request (``_form``) and hands it back to every later ``await request.form()``: the cleaned
    form replaces it, so a page reading the raw form never sees a NUL either.
    """
    form = await request.form()
    if any(isinstance(value, str) and "\x00" in value for _, value in form.multi_items()):
        form = FormData(
            [(key, value.replace("\x00", "") if isinstance(value, str) else value) for key, value in form.multi_items()]
        )
        request._form = form
    return form


def protect_routes(
    routes: Sequence[BaseRoute], *, inner: Callable[[Endpoint], Endpoint] | None = None
) -> list[BaseRoute]:
    """Return ``routes`` with every function endpoint wrapped by :func:`csrf_protect` (recursively).

    :param inner: another wrapper, applied to the endpoint inside the CSRF check.
    """
    protected: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and not getattr(route.endpoint, "__portique_csrf__", False):
            if not inspect.isfunction(route.endpoint):
                raise TypeError(f"route {route.path!r}: use a function endpoint so the core can protect it")
            endpoint = inner(route.endpoint) if inner is not None else route.endpoint
            protected.append(
                Route(
                    route.path,
                    csrf_protect(endpoint),
                    methods=sorted(route.methods or []) or None,
                    name=route.name,
                )
            )
        elif isinstance(route, Mount) and route.routes:
            protected.append(Mount(route.path, routes=protect_routes(route.routes, inner=inner), name=route.name))
        elif isinstance(route, Mount) and isinstance(route.app, Router):
            protected.append(Mount(route.path, routes=protect_routes(route.app.routes, inner=inner), name=route.name))
        else:
            protected.append(route)
    return protected
