"""What the passkey pages share: reading the browser's JSON answer, and the JSON replies."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY = 64 * 1024


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (``{}`` when it is not one, or too large).

    Only a JSON body is read: the CSRF check has already consumed a form's stream.
    """
    if not request.headers.get("content-type", "").startswith("application/json"):
        return {}
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def credential_in(body: dict[str, Any]) -> dict[str, Any]:
    """The credential the browser sent (``{}`` when missing)."""
    credential = body.get("credential")
    return credential if isinstance(credential, dict) else {}


def options_reply(request: Request, options: dict[str, Any]) -> JSONResponse:
    """The ceremony's options, with the session's CSRF token: keeping the challenge may have given an
    anonymous visitor a stored session, whose new id has a new token (the page's forms take it)."""
    return JSONResponse({"publicKey": options, "csrfToken": request.state.session.csrf_token})


def problem(message: str, status_code: int = 400) -> JSONResponse:
    """A refusal the page shows as it is (already translated)."""
    return JSONResponse({"error": message}, status_code=status_code)
