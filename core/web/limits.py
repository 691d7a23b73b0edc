"""A cap on request bodies, checked before any page reads them."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.web.errors import error_page
from core.web.ids import is_digits


class BodySizeLimitMiddleware:
    """Answers 413 (a themed page) when a body is larger than ``max_bytes``.

    The declared ``Content-Length`` is checked first (one that is not a number is a 400); a body
    sent without one (chunked) is counted as it arrives and cut off at the limit: reading it then
    raises the 413 that the page answers.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((value for key, value in scope.get("headers", []) if key == b"content-length"), None)
        refused = None
        if declared is not None and not is_digits(declared.decode("latin-1")):
            refused = 400  # a length that is no number: the body cannot be read
        elif declared is not None and int(declared) > self.max_bytes:
            refused = 413
        if refused is not None:
            response = await error_page(Request(scope, receive), refused)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413)  # the page that reads the body answers 413
            return message

        await self.app(scope, counted if declared is None else receive, send)
