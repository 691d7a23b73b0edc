"""Value types a plugin returns to put things on a tenant's pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request


@dataclass(frozen=True)
class NavItem:
    """A link in the tenant's main navigation.

    :param label: text already translated for the request's locale (use ``core.api.gettext``).
    :param path: path inside the tenant (``/profile``); the core adds the tenant prefix. Leave it
        empty when ``route`` names the page.
    :param order: position; lower first. Core items use multiples of 10.
    :param route: name of the tenant route the item links to (``luminus_invoices``); the core
        resolves it, so the link follows the plugin's ``url_prefix``.
    :param params: path parameters of ``route``.
    """

    label: str
    path: str = ""
    order: int = 100
    route: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


WidgetLoader = Callable[[Request], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True)
class Widget:
    """A block on the signed-in dashboard, rendered from a plugin template.

    :param template: template name, namespaced by the plugin (``luminus_energy/widgets/balance.html``).
    :param load: async callable that receives the request and returns the template's context.
    :param order: position; lower first.
    """

    template: str
    load: WidgetLoader | None = None
    order: int = 100
    context: Mapping[str, Any] = field(default_factory=dict)
