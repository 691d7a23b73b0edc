"""The web default plugin: base templates, the ``core`` catalog, home page and language switcher."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Route

# The core's own tables, registered on the shared metadata with this plugin.
from core.audit import models as _audit_models  # noqa: F401
from core.hookspecs import hookimpl
from core.mail import models as _mail_models  # noqa: F401
from core.plugin_info import PluginInfo
from core.sessions import models as _session_models  # noqa: F401
from core.tenancy import models as _tenant_models  # noqa: F401
from core.web import pages

CORE_DIR = Path(__file__).resolve().parent.parent


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="web", version="0.1.0", title="Web", description="Layout, home and language", default=True)


@hookimpl
def portique_locale_dirs() -> dict[str, Path]:
    return {"core": CORE_DIR / "locale"}


@hookimpl
def portique_migrations_dir() -> dict[str, Path]:
    return {"core": CORE_DIR / "db" / "versions"}


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/", pages.home, name="home"),
        Route("/locale/{code}", pages.switch_locale, name="switch_locale"),
    ]
