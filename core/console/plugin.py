"""The console default plugin: registers the core's console component through the plugin contract."""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo

HERE = Path(__file__).resolve().parent


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="console", version="0.1.0", title="Console", default=True)


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_locale_dirs() -> dict[str, Path]:
    return {"console": HERE / "locale"}
