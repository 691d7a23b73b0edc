"""Error pages: themed, translated, and never a traceback."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from core.i18n import gettext as _
from core.web.rendering import render

log = logging.getLogger("portique.errors")


def _messages(status: int, detail: str = "") -> tuple[str, str]:
    if status == 404:
        return _("Page not found"), _("The page you asked for does not exist or is not available here.")
    if status == 403 and detail == "csrf":
        return _("Request refused"), _(
            "This form has expired or did not come from this site. Go back, reload the page and try again."
        )
    if status == 403:
        return _("Access denied"), _("You do not have permission to do this.")
    if status == 429:
        return _("Too many attempts"), _("Please wait a moment before trying again.")
    if status == 413:
        return _("Too large"), _(
            "What you sent is larger than this site accepts. Send smaller files, or fewer at once."
        )
    if status == 405:
        return _("Not allowed"), _("This page cannot be used that way.")
    if status == 400:
        return _("Bad request"), _("The request could not be understood. Go back and try again.")
    return _("Something went wrong"), _("An unexpected error occurred. It has been logged; please try again later.")


async def error_page(
    request: Request, status: int, headers: dict[str, str] | None = None, detail: str = ""
) -> Response:
    """A themed error page for ``status``; a plain-text answer if even that fails."""
    title, message = _messages(status, detail)
    try:
        return await render(
            request,
            "error.html",
            {"status": status, "title": title, "message": message},
            status_code=status,
            headers=headers,
        )
    except Exception:
        log.exception("error page failed")
        return PlainTextResponse(f"{status} {title}", status_code=status, headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Handler for ``HTTPException`` (404, 403, 405, 429…)."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return await error_page(request, exc.status_code, dict(exc.headers or {}), str(exc.detail or ""))


async def server_error(request: Request, exc: Exception) -> Response:
    """Handler for any unexpected exception: logs it, shows the themed 500 page."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = await error_page(request, 500)
    if isinstance(response, HTMLResponse) or response.status_code == 500:
        return response
    return PlainTextResponse("500", status_code=500)
