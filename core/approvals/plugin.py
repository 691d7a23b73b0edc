"""The approvals default plugin: registers the core's approvals component through the plugin contract."""

from __future__ import annotations

from core.approvals import models as _models  # noqa: F401 - registers the tables
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="approvals", version="0.1.0", title="Approvals", default=True)
