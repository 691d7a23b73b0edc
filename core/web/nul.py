"""Requests carrying a NUL character in their address: refused before any page sees them.

No one types a NUL, and PostgreSQL refuses one in any text it is given ("invalid byte sequence
for encoding UTF8: 0x00"): a NUL in the path or the query string is a 400 page here. In a
submitted form NUL characters are dropped by the CSRF check, which reads every form first (see
:mod:`core.sessions.csrf`).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.web.errors import error_page


def has_nul(scope: Scope) -> bool:
    """The request's path or query string holds a NUL character (raw or percent-encoded)."""
    query = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"\x00" in query or b"\x00" in unquote_to_bytes(query)


class NulCharacterMiddleware:
    """Answers 400 (a themed page) to a request whose path or query string holds a NUL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and has_nul(scope):
            response = await error_page(Request(scope, receive), 400)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
