"""The application's services in one place: a plain container, built by ``core.wiring.build_portal``.

``create_app``, the ``portique`` commands and the test fixtures wire it; every other module reads it
through ``get_portal()``. It builds nothing itself, so it imports none of the packages it holds.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from core.plugins import PluginManager, flatten
from core.settings import Settings
from core.web.themes import load_theme

if TYPE_CHECKING:  # the types of what the portal holds; ``core.wiring`` builds them
    from babel.support import Translations
    from jinja2 import Environment
    from starlette.routing import Router

    from core.db.engine import Database
    from core.hook_relay import HookRelay
    from core.i18n.catalogs import Catalogs
    from core.mail.backends import MailBackend
    from core.sessions.store import SessionStore
    from core.tenancy.models import Tenant
    from core.tenancy.registry import TenantRegistry
    from core.ticketing.categories import TicketCategory
    from core.web.templating import Templates

_current: ContextVar[Portal] = ContextVar("portique_portal")


class TenantRouting(Protocol):
    """What the portal keeps of the tenants' routing (``core.web.routing.TenantRouters`` implements it)."""

    def router_for(self, tenant: Tenant) -> Router:
        """The tenant's router."""

    def path_for(self, tenant: Tenant, name: str, /, **params: object) -> str:
        """The path inside the tenant of its page ``name``."""


def get_portal() -> Portal:
    """The portal serving the current request, job or command."""
    return _current.get()


@dataclass
class Portal:
    """Settings, database, plugins and the per-tenant caches built from them."""

    settings: Settings
    plugins: PluginManager
    database: Database
    registry: TenantRegistry
    catalogs: Catalogs
    templates: Templates
    session_store: SessionStore
    mail_backend: MailBackend
    cache: dict[Any, Any] = field(default_factory=dict)
    routers: TenantRouting = field(init=False)

    def activate(self) -> None:
        """Make this portal the current one (for the request, job or command in progress)."""
        _current.set(self)

    def hooks(self, tenant: Tenant) -> HookRelay:
        """Hook relay restricted to the tenant's plugins."""
        return self.plugins.for_tenant(tenant)

    def plugin_order(self, tenant: Tenant | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(provider plugins enabled on the tenant, default plugins), each sorted by name."""
        defaults = tuple(self.plugins.default_names)
        if tenant is None:
            return (), defaults
        enabled = self.plugins.enabled_names(tenant)
        return tuple(n for n in enabled if n not in defaults), defaults

    def environment(self, tenant: Tenant | None) -> Environment:
        """The Jinja environment of the tenant (its theme and plugins), or the operator's."""
        providers, defaults = self.plugin_order(tenant)
        return self.templates.environment(tenant.theme if tenant else "default", providers, defaults)

    def translations(self, tenant: Tenant | None, locale: str) -> Translations:
        """Merged catalogs of the tenant's plugins for ``locale``."""
        providers, defaults = self.plugin_order(tenant)
        return self.catalogs.translations(locale, providers + defaults)

    def categories(self, tenant: Tenant) -> list[TicketCategory]:
        """Ticket categories of the tenant, ordered."""
        found: list[TicketCategory] = flatten(self.hooks(tenant).portique_ticket_categories(tenant=tenant))
        return sorted(found, key=lambda c: (c.order, c.code))

    def theme(self, tenant: Tenant | None) -> Any:
        """The tenant's theme (the default theme on the operator host)."""
        return load_theme(tenant.theme if tenant else "default")

    def page_url(self, tenant: Tenant, name: str, /, **params: object) -> str:
        """The absolute URL of the tenant's page ``name`` (a route name), for mails and commands."""
        return self.tenant_url(tenant, self.routers.path_for(tenant, name, **params))

    def tenant_url(self, tenant: Tenant, path: str = "/") -> str:
        """An absolute URL of a tenant page, for mails: on its own hostname when it has one."""
        base = self.settings.public_url.rstrip("/")
        if tenant.hostnames:
            scheme = base.split("://", 1)[0]
            return f"{scheme}://{tenant.hostnames[0]}{path}"
        return f"{base}/t/{tenant.slug}{path}"
