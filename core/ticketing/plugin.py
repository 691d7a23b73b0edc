"""The ticketing default plugin: registers the core's ticketing component through the plugin contract."""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo

HERE = Path(__file__).resolve().parent


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="ticketing", version="0.1.0", title="Ticketing", default=True)


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_locale_dirs() -> dict[str, Path]:
    return {"ticketing": HERE / "locale"}
