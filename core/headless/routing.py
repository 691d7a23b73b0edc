"""The one wrapper every API endpoint runs in, and the Starlette routes of the API's declarations.

The wrapper authenticates the bearer token (never the session cookie), opens the tenant's database
session, answers every error as JSON (never an HTML page) and serialises the endpoint's pydantic
answer. The declarations themselves (:class:`~core.headless.contract.ApiRoute`) are in
:mod:`core.headless.contract`; the OpenAPI schema is built from them (:mod:`core.headless.openapi`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.headless.bodies import ErrorBody
from core.headless.contract import ApiCall, ApiError, ApiRoute
from core.i18n import use_locale
from core.i18n.negotiation import negotiate
from core.portal import get_portal
from core.tenancy.models import Tenant

PREFIX = "/api/v1"
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE"]  # an unknown method gets the wrapper's JSON 405, not a page
log = logging.getLogger("portique.headless")


def error_response(status: int, body: ErrorBody, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON answer of an error."""
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


Authenticator = Callable[[ApiCall], Awaitable[None]]


def _path_endpoint(routes: Sequence[ApiRoute], authenticate: Authenticator) -> Callable[[Request], Awaitable[Response]]:
    by_method = {route.method: route for route in routes}

    async def endpoint(request: Request) -> Response:
        route = by_method.get(request.method)
        if route is None:
            allow = ", ".join(sorted(by_method))
            return error_response(405, ErrorBody(error="method_not_allowed"), {"Allow": allow})
        try:
            with _language(request):
                return await _run(request, route, authenticate)
        except ApiError as error:
            return error_response(error.status, error.body, error.headers)
        except HTTPException as error:
            return error_response(error.status_code, ErrorBody(error=_http_error(error.status_code)), error.headers)
        except Exception:
            log.exception("API endpoint %s %s failed", route.method, route.path)
            return error_response(500, ErrorBody(error="server_error"))

    endpoint.__name__ = route_name(routes[0])
    return endpoint


def _language(request: Request) -> AbstractContextManager[None]:
    """The request's language for the messages: ``Accept-Language`` among the tenant's, else its default.

    A browser's switcher cookie and session preference do not count: an app says what it wants.
    """
    tenant: Tenant = request.state.tenant
    locale = negotiate(
        list(tenant.locales), tenant.default_locale, accept_language=request.headers.get("accept-language", "")
    )
    return use_locale(locale, get_portal().translations(tenant, locale))


def _http_error(status: int) -> str:
    return {400: "invalid_request", 403: "forbidden", 404: "not_found", 413: "too_large"}.get(status, "error")


async def _run(request: Request, route: ApiRoute, authenticate: Authenticator) -> Response:
    tenant: Tenant = request.state.tenant
    async with get_portal().database.session(tenant.id) as db:
        call = ApiCall(request=request, tenant=tenant, db=db)
        if not route.public:
            await authenticate(call)
        answer = await route.endpoint(call)
    if answer is None:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    return JSONResponse(answer.model_dump(mode="json"), status_code=route.status, headers={"Cache-Control": "no-store"})


def route_name(route: ApiRoute) -> str:
    """The Starlette route name of an API path (``api_`` and the first route's name)."""
    return "api_" + (route.name or route.path.strip("/").replace("/", "_"))


def starlette_routes(routes: Sequence[ApiRoute], authenticate: Authenticator) -> list[BaseRoute]:
    """One Starlette route per API path (every method on it), then a JSON 404 for any other API path.

    The paths are relative to ``/api/v1``, where the tenant's API is mounted.
    """
    by_path: dict[str, list[ApiRoute]] = {}
    for route in routes:
        same = by_path.setdefault(route.path, [])
        if any(other.method == route.method for other in same):
            raise ValueError(f"two API routes answer {route.method} {route.path}")
        same.append(route)
    placed: list[BaseRoute] = [
        Route(path, _path_endpoint(group, authenticate), methods=_ALL, name=route_name(group[0]))
        for path, group in by_path.items()
    ]
    placed.append(Route("/{rest:path}", _not_found, methods=_ALL, name="api_not_found"))
    return placed


async def _not_found(request: Request) -> Response:
    return error_response(404, ErrorBody(error="not_found"))


def schema_routes(routes: Sequence[ApiRoute]) -> list[ApiRoute]:
    """The routes in the order the schema lists them (by path, then method)."""
    return sorted(routes, key=lambda route: (route.path, route.method))
