"""The applications the bench serves: the hello-world reference and Portique with its access log off."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


async def _hello(_: Request) -> Response:
    return PlainTextResponse("Hello, world!")


def reference_app() -> Starlette:
    """A bare Starlette hello-world: the yardstick every ratio is measured against."""
    return Starlette(routes=[Route("/", _hello), Route("/healthz", _hello)])


def portique_app() -> Starlette:
    """Portique as ``portique serve`` builds it, with the per-request access log really off.

    ``portique serve --no-access-log`` only lowers uvicorn's log level; the application's own JSON
    access log (``ObservabilityMiddleware``) stays on, so the bench builds the app itself.
    """
    from core.app import create_app

    return create_app(access_log=False)
