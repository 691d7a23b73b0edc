"""A tiny provider plugin for core tests: a page, a nav item, a template override, a failing page."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.api import Base, NavItem, PluginInfo, TenantOwned, hookimpl, render, tenant_db

HERE = Path(__file__).resolve().parent
CALLS: list[str] = []


class AlphaNote(TenantOwned, Base):
    """A tenant-owned row, to prove queries are scoped."""

    __tablename__ = "alpha_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(100))


async def notes(request: Request) -> Response:
    async with tenant_db(request) as db:
        rows = (await db.scalars(select(AlphaNote).order_by(AlphaNote.id))).all()
    return PlainTextResponse("\n".join(row.text for row in rows))


async def echo(request: Request) -> Response:
    form = await request.form()
    return PlainTextResponse(f"posted {form.get('value')}")


async def boom(request: Request) -> Response:
    raise RuntimeError("secret internal detail")


async def themed(request: Request) -> Response:
    return await render(request, "alpha/page.html", {"word": "<b>bold</b>"})


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="alpha", version="1.0", title="Alpha", url_prefix="/alpha")


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_routes(tenant) -> list[Route]:
    CALLS.append(tenant.slug)
    return [
        Route("/notes", notes),
        Route("/echo", echo, methods=["POST"]),
        Route("/boom", boom),
        Route("/page", themed),
    ]


@hookimpl
def portique_nav_items(tenant, user) -> list[NavItem]:
    return [NavItem(label="Alpha notes", path="/alpha/notes")]
