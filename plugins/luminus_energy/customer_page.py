"""Page plumbing shared by the customer pages: the signed-in customer, the backend, the contact block."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import overload

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import current_membership, current_user, login_required, plugin_settings, render, service, tenant_db
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.models import Customer
from plugins.luminus_energy.settings import LuminusSettings, local_today


@dataclass
class Ctx:
    """What every Luminus page handler receives."""

    request: Request
    db: AsyncSession
    customer: Customer
    backend: LuminusBackend
    settings: LuminusSettings
    today: date
    user_id: int

    def page(self, **values: object) -> dict[str, object]:
        """Template context with the customer, the contact block and ``values``."""
        return {"customer": self.customer, "contact": self.settings, "today": self.today, **values}


Handler = Callable[[Ctx], Awaitable[Response]]
Page = Callable[[Request], Awaitable[Response]]


@overload
def customer_page(handler: Handler) -> Page: ...


@overload
def customer_page(*, permission: str) -> Callable[[Handler], Page]: ...


def customer_page(handler: Handler | None = None, *, permission: str | None = None) -> Page | Callable[[Handler], Page]:
    """Sign-in required; loads the customer of the user's membership (or explains there is none).

    With ``permission``, the membership must grant it (a member invited without it gets a 403 page).
    Use bare (``@customer_page``) or with a permission (``@customer_page(permission="advance")``).
    """

    def decorate(inner: Handler) -> Page:
        @login_required
        @functools.wraps(inner)
        async def wrapped(request: Request) -> Response:
            membership = await current_membership(request)
            user = await current_user(request)
            assert user is not None  # login_required
            backend = service(request.state.tenant, LuminusBackend)
            settings = plugin_settings(request.state.tenant, LuminusSettings)
            async with tenant_db(request) as db:
                customer = await backend.customer(db, membership.account.number) if membership else None
                if customer is None:
                    return await render(
                        request, "luminus_energy/no_customer.html", {"contact": settings}, status_code=403
                    )
                if permission is not None and not membership.grants(permission):  # type: ignore[union-attr]
                    return await render(
                        request,
                        "luminus_energy/no_permission.html",
                        {"contact": settings, "customer": customer},
                        status_code=403,
                    )
                ctx = Ctx(request, db, customer, backend, settings, local_today(request.state.tenant), user.id)
                return await inner(ctx)

        return wrapped

    return decorate(handler) if handler is not None else decorate


def path_int(request: Request, name: str) -> int:
    """An integer path parameter; 404 when it is not one."""
    try:
        return int(request.path_params[name])
    except (KeyError, ValueError):
        raise HTTPException(status_code=404) from None
