"""The hand-written peer: the page a Python team would write without a framework around it.

Starlette, a Jinja template, Starlette's signed session cookie and one SQLAlchemy-async query of
20 rows, on the scenario's database (its own table, created at start-up). No tenants, plugins,
translations, CSRF or security headers: the floor a signed-in Portique page is compared with.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from jinja2 import DictLoader, Environment, select_autoescape
from sqlalchemy import Integer, String, insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

ROWS = 20_000  # one in a hundred is the signed-in visitor's: 200, of which the page shows 20
PAGE = """<!doctype html><html lang="en"><head><title>Items</title></head><body>
<h1>Hello {{ user }}</h1><table>{% for item in items %}
<tr><td>{{ item.reference }}</td><td>{{ item.subject }}</td><td>{{ item.status }}</td></tr>{% endfor %}
</table></body></html>"""


class _Base(DeclarativeBase):
    pass


class Item(_Base):
    """A row of the peer's list."""

    __tablename__ = "bench_peer_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), index=True)
    reference: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))


def peer_app() -> Starlette:
    """The peer application (``PORTIQUE_DATABASE_URL`` is the database it uses)."""
    engine = create_async_engine(os.environ["PORTIQUE_DATABASE_URL"])
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    templates = Environment(loader=DictLoader({"items.html": PAGE}), autoescape=select_autoescape(), enable_async=True)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
            if not (await conn.execute(select(Item.id).limit(1))).first():
                rows = [
                    {"owner": "bench" if n % 100 == 0 else f"u{n}", "reference": f"ITM-{n:06d}",
                     "subject": f"Item number {n}", "status": "open"}
                    for n in range(ROWS)
                ]  # fmt: skip
                await conn.execute(insert(Item), rows)
        yield
        await engine.dispose()

    async def login(request: Request) -> Response:
        request.session["user"] = "bench"
        return RedirectResponse("/", status_code=303)

    async def items(request: Request) -> Response:
        user = request.session.get("user")
        if not user:
            return RedirectResponse("/login", status_code=303)
        async with sessions() as db:
            rows = (await db.scalars(select(Item).where(Item.owner == user).order_by(Item.id).limit(20))).all()
        html = await templates.get_template("items.html").render_async(user=user, items=rows)
        return HTMLResponse(html)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/", items), Route("/login", login), Route("/healthz", healthz)],
        middleware=[Middleware(SessionMiddleware, secret_key="bench-peer-secret-0123456789")],  # noqa: S106
        lifespan=lifespan,
    )
