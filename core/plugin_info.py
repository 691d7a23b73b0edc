"""What a plugin declares about itself (``portique_plugin_info``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class PluginInfo:
    """Declared metadata of a plugin: shown by ``portique plugins list`` and the console.

    :param name: the plugin's name, equal to its entry-point name (``lumen_ecommerce``).
    :param version: the plugin's version string.
    :param title: a human title.
    :param description: one sentence for operators.
    :param locales: locales the plugin ships translations for.
    :param settings_model: pydantic model validating the plugin's per-tenant settings.
    :param url_prefix: the path prefix of its pages (``/luminus``), if any.
    :param default: a core feature registered as a plugin, enabled on every tenant.
    :param demo_tenant: the tenant ``portique demo`` creates for this plugin: keyword arguments of
        :func:`core.tenancy.service.create_tenant` (``slug``, ``name``, ``theme``, ``locales``…).
    """

    name: str
    version: str
    title: str = ""
    description: str = ""
    locales: tuple[str, ...] = ()
    settings_model: type[BaseModel] | None = None
    url_prefix: str | None = None
    default: bool = False
    demo_tenant: dict[str, Any] | None = None
