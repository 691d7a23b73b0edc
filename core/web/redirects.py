"""Safe redirects: only to paths of the same tenant, never to another site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse

from core.web.rendering import prefixed, url_for


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` if it is a local path (``/…``, not ``//host`` or a URL with a scheme), else ``default``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(c in value for c in "\r\n\t"):
        return default
    return value


def redirect(request: Request, path: str, status_code: int = 303) -> RedirectResponse:
    """Redirect to ``path`` inside the current tenant."""
    return RedirectResponse(prefixed(request, path), status_code=status_code)


def redirect_to(request: Request, name: str, /, status_code: int = 303, **params: Any) -> RedirectResponse:
    """Redirect to the tenant's route ``name`` (``luminus_advance``) with its path ``params``."""
    return RedirectResponse(url_for(request, name, **params), status_code=status_code)
