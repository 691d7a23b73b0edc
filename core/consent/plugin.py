"""The consent default plugin: the consent table, its migrations, the consent page's template and words."""

from __future__ import annotations

from core.consent import models as _models  # noqa: F401 - registers the table
from core.consent.settings import ConsentSettings
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="consent", version="0.1.0", title="Consent", default=True, settings_model=ConsentSettings)
