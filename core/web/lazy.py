"""Endpoints whose module is imported on their first request, for pages built on heavy libraries.

Every web worker builds every route at start-up; a page whose module imports a large library
(cryptography's bindings, joserfc, webauthn…) would load it into each worker even if no one ever
asks for that page. :func:`lazy_endpoint` names the endpoint instead of importing it.
"""

from __future__ import annotations

import importlib

from starlette.requests import Request
from starlette.responses import Response

from core.sessions.csrf import Endpoint


def load(target: str) -> Endpoint:
    """The endpoint ``target`` names (``"package.module:function"``), importing its module."""
    module_name, _, name = target.partition(":")
    endpoint: Endpoint = getattr(importlib.import_module(module_name), name)
    return endpoint


def lazy_endpoint(target: str) -> Endpoint:
    """An endpoint that imports ``target`` (``"package.module:function"``) on its first request, then calls it.

    It bears the function's name (a route's default name) and ``lazy_target``. The CSRF check
    sees only this wrapper: an endpoint exempt from it must be marked here too (``machine_endpoint``).
    """
    loaded: list[Endpoint] = []

    async def endpoint(request: Request) -> Response:
        if not loaded:
            loaded.append(load(target))
        return await loaded[0](request)

    endpoint.__name__ = endpoint.__qualname__ = target.partition(":")[2]
    endpoint.lazy_target = target  # type: ignore[attr-defined]
    return endpoint
