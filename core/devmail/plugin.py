"""The devmail default plugin: the development mailbox on every tenant and on the operator host."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.devmail.pages import dev_routes
from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="devmail", version="0.1.0", title="Development mailbox", default=True)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return dev_routes()


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    return dev_routes()
