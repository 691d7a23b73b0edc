"""The API's route declarations and the one wrapper every API endpoint runs in.

An :class:`ApiRoute` declares a path, a method and its pydantic bodies: the OpenAPI schema is
built from these declarations (:mod:`core.headless.openapi`). The wrapper authenticates the bearer
token (never the session cookie), opens the tenant's database session, answers every error as
JSON (never an HTML page) and serialises the endpoint's pydantic answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.headless.bodies import ErrorBody
from core.i18n import use_locale
from core.i18n.negotiation import negotiate
from core.identity.models import Account, Membership, User
from core.portal import get_portal
from core.tenancy.models import Tenant

PREFIX = "/api/v1"
_ALL = ["GET", "POST", "PUT", "PATCH", "DELETE"]  # an unknown method gets the wrapper's JSON 405, not a page
M = TypeVar("M", bound=BaseModel)
ApiEndpoint = Callable[["ApiCall"], Awaitable[BaseModel | None]]
log = logging.getLogger("portique.headless")
_PARAM = re.compile(r"{([a-z_]+)}")


class ApiError(Exception):
    """An answer other than success: a status, a stable ``error`` code, a message, field errors, a page."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str = "",
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.body = ErrorBody(error=error, message=message, fields=fields or {}, url=url)
        self.headers = headers or {}


@dataclass(frozen=True)
class ApiRoute:
    """One endpoint of the API, relative to ``/api/v1`` (``/luminus/invoices/{invoice_id}``).

    ``body`` is a JSON request body, ``form`` a multipart one, ``query`` the query parameters; each
    is a pydantic model, documented in the OpenAPI schema. A ``public`` route needs no bearer token.
    """

    path: str
    endpoint: ApiEndpoint
    method: str = "GET"
    name: str = ""
    summary: str = ""
    response: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    public: bool = False
    tags: tuple[str, ...] = ()

    @property
    def path_params(self) -> list[str]:
        """The names of the path's ``{parameters}``."""
        return _PARAM.findall(self.path)


@dataclass
class ApiCall:
    """What an API endpoint receives: the request, its tenant, a tenant session, the signed-in user."""

    request: Request
    tenant: Tenant
    db: AsyncSession
    user: User | None = None
    grant_id: str = ""
    _membership: list[Membership | None] = field(default_factory=list)

    @property
    def me(self) -> User:
        """The user of the bearer token (every route but the public ones has one)."""
        assert self.user is not None, "a public route has no user"
        return self.user

    def path(self, name: str) -> str:
        """A path parameter."""
        return str(self.request.path_params[name])

    def path_int(self, name: str) -> int:
        """An integer path parameter; 404 when it is not one."""
        value = self.path(name)
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise ApiError(404, "not_found")
        return int(value)

    async def json(self, model: type[M]) -> M:
        """The JSON body, validated by ``model``; 422 with the fields' problems when it does not fit."""
        try:
            raw = await self.request.body()
            return model.model_validate_json(raw or b"{}")
        except ValidationError as error:
            raise ApiError(422, "invalid_request", fields=field_errors(error)) from None

    def query(self, model: type[M]) -> M:
        """The query parameters, validated by ``model``."""
        try:
            return model.model_validate(dict(self.request.query_params))
        except ValidationError as error:
            raise ApiError(422, "invalid_request", fields=field_errors(error)) from None

    async def form(self) -> FormData:
        """The multipart (or urlencoded) body."""
        return await self.request.form()

    async def membership(self) -> Membership | None:
        """The user's first active membership, with its account loaded (``None``: the user has none)."""
        if not self._membership:
            row = (
                await self.db.execute(
                    select(Membership, Account)
                    .join(Account, Account.id == Membership.account_id)
                    .where(Membership.user_id == self.me.id, Membership.suspended.is_(False))
                    .order_by(Membership.id)
                    .limit(1)
                )
            ).first()
            found = None
            if row is not None:
                found = row[0]
                found.__dict__["account"] = row[1]
            self._membership.append(found)
        return self._membership[0]


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Pydantic's errors by field name (``""`` for the body as a whole)."""
    fields: dict[str, list[str]] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"])
        fields.setdefault(name, []).append(item["msg"])
    return fields


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
