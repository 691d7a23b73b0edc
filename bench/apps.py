"""The applications the bench serves: the hello-world reference, the hand-written peer and Portique.

Each is wrapped by :func:`counted`, which counts requests and SQL statements in the serving process
and answers ``GET /__bench/stats`` with both, so a scenario reports its statements per request.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

STATS_PATH = "/__bench/stats"
_counts = {"requests": 0, "statements": 0}


@event.listens_for(Engine, "before_cursor_execute")
def _count_statement(*_: Any) -> None:
    _counts["statements"] += 1


def counted(app: ASGIApp) -> ASGIApp:
    """``app``, counting its HTTP requests, with the counts of this process at :data:`STATS_PATH`."""

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] == STATS_PATH:
                body = json.dumps(_counts).encode()
                await send(
                    {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
                )
                await send({"type": "http.response.body", "body": body})
                return
            _counts["requests"] += 1
        await app(scope, receive, send)

    return wrapper


async def _hello(_: Request) -> Response:
    return PlainTextResponse("Hello, world!")


def reference_app() -> ASGIApp:
    """A bare Starlette hello-world: the yardstick every ratio is measured against."""
    return counted(Starlette(routes=[Route("/", _hello), Route("/healthz", _hello)]))


def peer_app() -> ASGIApp:
    """The naive one-query Starlette page (:mod:`bench.peer`)."""
    from bench.peer import peer_app as build

    return counted(build())


def portique_app() -> ASGIApp:
    """Portique as ``portique serve`` builds it, with the per-request access log really off.

    ``portique serve --no-access-log`` only lowers uvicorn's log level; the application's own JSON
    access log (``ObservabilityMiddleware``) stays on, so the bench builds the app itself.
    """
    from core.app import create_app

    return counted(create_app(access_log=False))
