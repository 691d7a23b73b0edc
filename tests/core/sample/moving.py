"""A plugin whose ``url_prefix`` a test chooses: its pages, links and redirects must follow it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from core.api import NavItem, PluginInfo, RootRoute, hookimpl, redirect_to, render, url_for

HERE = Path(__file__).resolve().parent
PREFIX = {"url_prefix": "/moving"}


async def items(request: Request) -> Response:
    return await render(request, "moving/items.html")


async def item(request: Request) -> Response:
    return PlainTextResponse(f"item {request.path_params['item_id']} at {url_for(request, 'moving_items')}")


async def new(request: Request) -> Response:
    return redirect_to(request, "moving_item", item_id=7)


async def outside(request: Request) -> Response:
    return PlainTextResponse(f"root page linking {url_for(request, 'moving_item', item_id=8)}")


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="moving", version="1.0", title="Moving", url_prefix=PREFIX["url_prefix"])


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_routes(tenant) -> list[BaseRoute]:
    return [
        Route("/items", items, name="moving_items"),
        Route("/items/new", new, methods=["POST"], name="moving_new"),
        Route("/items/{item_id:id}", item, name="moving_item"),
        RootRoute("/moving-root", outside, name="moving_root"),
    ]


@hookimpl
def portique_nav_items(tenant, user) -> list[NavItem]:
    return [NavItem(label="Moving items", route="moving_items")]
