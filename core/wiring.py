"""``build_portal``: settings and plugins in, the portal's services out (database, caches, stores, mail)."""

from __future__ import annotations

from core.db.engine import Database
from core.i18n.catalogs import Catalogs
from core.identity.principal import SESSION_WITH_PRINCIPAL
from core.mail.backends import make_backend
from core.plugins import PluginManager
from core.portal import Portal
from core.sessions.store import DatabaseSessionStore, RedisSessionStore, SessionStore
from core.settings import Settings
from core.tenancy.registry import TenantRegistry
from core.web.routing import TenantRouters
from core.web.templating import Templates


def build_portal(settings: Settings, plugins: PluginManager | None = None) -> Portal:
    """The portal of these settings and plugins (the installed ones when ``plugins`` is omitted)."""
    plugins = plugins or PluginManager()
    database = Database(settings.database_url)
    session_store: SessionStore
    if settings.redis_url:
        session_store = RedisSessionStore(settings.redis_url)
    else:
        session_store = DatabaseSessionStore(database, companion=SESSION_WITH_PRINCIPAL)
    portal = Portal(
        settings=settings,
        plugins=plugins,
        database=database,
        registry=TenantRegistry(database, settings.base_domain),
        catalogs=Catalogs(plugins.locale_dirs(), plugins.default_names),
        templates=Templates({name: plugins.template_dirs(name) for name in plugins.modules}),
        session_store=session_store,
        mail_backend=make_backend(settings),
    )
    portal.routers = TenantRouters(portal)
    return portal
