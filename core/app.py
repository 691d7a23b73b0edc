"""``create_app``: the one place where settings, plugins, middleware and routes are wired together."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import ModuleType

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.heap import freeze_startup_heap, thaw_heap
from core.i18n.middleware import LocaleMiddleware
from core.mail.heartbeat import watch, watch_forever
from core.metrics import multiprocess_dir, sample_process_forever
from core.plugins import PluginManager
from core.portal import Portal
from core.scrape import scrape
from core.sessions.middleware import SessionMiddleware
from core.settings import Settings, load_settings
from core.tenancy.middleware import TenantMiddleware
from core.web.errors import http_exception, server_error
from core.web.limits import BodySizeLimitMiddleware
from core.web.nul import NulCharacterMiddleware
from core.web.observability import ObservabilityMiddleware, configure_logging
from core.web.routing import Dispatcher
from core.web.security import SecurityHeadersMiddleware
from core.web.static import static_folders
from core.web.themes import available_themes, load_theme
from core.wiring import build_portal


def _static_mounts(plugins: PluginManager) -> list[BaseRoute]:
    return [Mount(f"/static/{key}", StaticFiles(directory=folder)) for key, folder in static_folders(plugins).items()]


def _process_routes(portal: Portal) -> list[BaseRoute]:
    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            async with portal.database.session() as db:
                await db.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, status_code=503)
        try:  # reported, never a reason to take the web process out of rotation
            outbox = (await watch(portal)).as_json()
        except Exception as exc:  # noqa: BLE001 - e.g. a database not migrated yet
            outbox = {"worker": f"unknown ({type(exc).__name__})"}
        return JSONResponse({"status": "ok", "database": "ok", **outbox})

    async def theme_css(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in available_themes():
            raise HTTPException(status_code=404)
        return PlainTextResponse(
            load_theme(name).css(), media_type="text/css", headers={"Cache-Control": "public, max-age=300"}
        )

    return [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", scrape),
        Route("/theme/{name}.css", theme_css),
        *_static_mounts(portal.plugins),
    ]


def create_app(
    settings: Settings | None = None,
    *,
    extra_plugins: dict[str, ModuleType] | None = None,
    access_log: bool | None = None,
) -> Starlette:
    """Build the ASGI application. ``extra_plugins`` registers plugin modules directly (tests).

    ``access_log`` overrides ``PORTIQUE_ACCESS_LOG`` (the JSON line per request).
    """
    settings = settings or load_settings()
    if access_log is None:
        access_log = settings.access_log
    configure_logging(settings.log_json)
    portal = build_portal(settings, PluginManager(extra_plugins))
    portal.activate()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        portal.activate()
        tasks: list[asyncio.Task[None]] = []
        if settings.run_worker_in_process:
            from core.jobs import run_forever  # started only when asked for

            tasks.append(asyncio.create_task(run_forever(portal)))
        else:  # mail is delivered by `portique worker`: warn when none is seen
            tasks.append(asyncio.create_task(watch_forever(portal)))
        if multiprocess_dir():  # several serving processes: each keeps its resource gauges fresh
            tasks.append(asyncio.create_task(sample_process_forever()))
        freeze_startup_heap()  # full collections under load then skip the start-up objects
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await portal.database.dispose()
            thaw_heap()

    app = Starlette(
        debug=False,
        routes=[*_process_routes(portal), Mount("", app=Dispatcher(portal))],
        middleware=[
            Middleware(ObservabilityMiddleware, access_log=access_log),
            Middleware(SecurityHeadersMiddleware, https=settings.https),
            Middleware(TenantMiddleware, registry=portal.registry),
            Middleware(
                SessionMiddleware,
                store=portal.session_store,
                secret=settings.ensure_secret_key(),
                secure=settings.https,
                database=portal.database,
            ),
            Middleware(LocaleMiddleware, portal=portal),
            Middleware(NulCharacterMiddleware),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_mb * 1024 * 1024),
        ],
        exception_handlers={HTTPException: http_exception, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.portal = portal
    return app
