"""The approvals default plugin: registers the core's approvals component through the plugin contract."""

from __future__ import annotations

from pathlib import Path

from core.approvals import models as _models  # noqa: F401 - registers the tables
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo

HERE = Path(__file__).resolve().parent


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="approvals", version="0.1.0", title="Approvals", default=True)


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_locale_dirs() -> dict[str, Path]:
    return {"approvals": HERE / "locale"}


@hookimpl
def portique_migrations_dir() -> dict[str, Path]:
    return {"approvals": HERE / "migrations"}
