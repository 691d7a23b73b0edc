"""What an API endpoint is declared with and receives: :class:`ApiRoute`, :class:`ApiCall`, :class:`ApiError`.

These are the types of the plugin contract (``portique_api_routes``), so they live apart from the
wrapper that runs the endpoints (:mod:`core.headless.routing`) and import nothing of the portal.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request

from core.headless.bodies import ErrorBody
from core.identity.models import Account, Membership, User
from core.tenancy.models import Tenant

M = TypeVar("M", bound=BaseModel)
ApiEndpoint = Callable[["ApiCall"], Awaitable[BaseModel | None]]
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
