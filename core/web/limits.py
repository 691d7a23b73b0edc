"""A cap on request bodies, checked before any page reads them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.web.errors import error_page
from core.web.ids import is_digits


class BodySizeLimitMiddleware:
    """Answers 413 (a themed page) when a body is larger than ``max_bytes``.

    The declared ``Content-Length`` is checked first; a body sent without one (chunked) is counted
    as it arrives and cut off at the limit.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((value for key, value in scope.get("headers", []) if key == b"content-length"), None)
        if declared is not None and (not is_digits(declared.decode("latin-1")) or int(declared) > self.max_bytes):
            response = await error_page(Request(scope, receive), 413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ValueError("request body over the limit")
            return message

        await self.app(scope, counted if declared is None else receive, send)
