"""What the plugin's e-mailed links (activation, confirmation, invitation) and their pages share.

The language of a mail sent to an account's address on file, the rule numbers the mails and the
forms quote, and the page shown for a link that can no longer be used.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.api import Tenant, TokenProblem, render
from plugins.videotron_business.rules import (
    ACTIVATION_VALID_FOR,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)


def rules_context() -> dict[str, Any]:
    """Numbers the live checklists need (kept in one place with the server-side rules)."""
    return {
        "username_min": USERNAME_MIN,
        "username_max": USERNAME_MAX,
        "password_min": PASSWORD_MIN,
        "password_max": PASSWORD_MAX,
        "valid_days": ACTIVATION_VALID_FOR.days,
    }


def mail_locale(tenant: Tenant, chosen: str, requested: str | None = None) -> str:
    """The language of a mail to an account's address on file: the language the person chose, else
    the language the request was made in, else the tenant's default."""
    for candidate in (chosen, requested):
        if candidate and candidate in tenant.locales:
            return candidate
    return str(tenant.default_locale)


async def link_problem(request: Request, problem: TokenProblem | str) -> Response:
    """The page of an expired, used or unknown link: call customer service; never a resend button."""
    status = 404 if problem == TokenProblem.UNKNOWN else 410
    return await render(request, "videotron_business/link_problem.html", {"problem": str(problem)}, status_code=status)
