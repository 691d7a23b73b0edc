"""The application's services in one place, built once by ``create_app`` (or the CLI)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from babel.support import Translations
from jinja2 import Environment

from core.db.engine import Database
from core.i18n.catalogs import Catalogs
from core.identity.principal import SESSION_WITH_PRINCIPAL
from core.mail.backends import MailBackend, make_backend
from core.plugins import PluginManager, TenantHooks, flatten
from core.sessions.store import DatabaseSessionStore, RedisSessionStore, SessionStore
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.registry import TenantRegistry
from core.ticketing.categories import TicketCategory
from core.web.templating import Templates
from core.web.themes import load_theme

_current: ContextVar[Portal] = ContextVar("portique_portal")


def get_portal() -> Portal:
    """The portal serving the current request, job or command."""
    return _current.get()


@dataclass
class Portal:
    """Settings, database, plugins and the per-tenant caches built from them."""

    settings: Settings
    plugins: PluginManager
    database: Database = field(init=False)
    registry: TenantRegistry = field(init=False)
    catalogs: Catalogs = field(init=False)
    templates: Templates = field(init=False)
    session_store: SessionStore = field(init=False)
    mail_backend: MailBackend = field(init=False)
    cache: dict[Any, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.database = Database(self.settings.database_url)
        self.registry = TenantRegistry(self.database, self.settings.base_domain)
        self.catalogs = Catalogs(self.plugins.locale_dirs(), self.plugins.default_names)
        self.templates = Templates({name: self.plugins.template_dirs(name) for name in self.plugins.modules})
        if self.settings.redis_url:
            self.session_store = RedisSessionStore(self.settings.redis_url)
        else:
            self.session_store = DatabaseSessionStore(self.database, companion=SESSION_WITH_PRINCIPAL)
        self.mail_backend = make_backend(self.settings)

    def activate(self) -> None:
        """Make this portal the current one (for the request, job or command in progress)."""
        _current.set(self)

    def hooks(self, tenant: Tenant) -> TenantHooks:
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

    def tenant_url(self, tenant: Tenant, path: str = "/") -> str:
        """An absolute URL of a tenant page, for mails: on its own hostname when it has one."""
        base = self.settings.public_url.rstrip("/")
        if tenant.hostnames:
            scheme = base.split("://", 1)[0]
            return f"{scheme}://{tenant.hostnames[0]}{path}"
        return f"{base}/t/{tenant.slug}{path}"
