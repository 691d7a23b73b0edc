"""The check before a signed-in page: a customer who has not accepted the tenant's current documents is sent
to the consent page first, once; the answer is kept in the session until the versions change."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.consent.documents import current_documents
from core.consent.records import unaccepted
from core.portal import get_portal
from core.tenancy.models import Tenant

ACCEPTED_KEY = "consent:accepted"
CONSENT_PATH = "/consent"


def versions_key(tenant: Tenant) -> str:
    """The current versions of the tenant's documents in one string (``terms:2|privacy:3``)."""
    return "|".join(f"{document.code}:{document.version}" for document in current_documents(tenant))


def remember_accepted(request: Request, key: str) -> None:
    """Note in the session that its customer accepted the versions named by ``key``."""
    request.state.session.set(ACCEPTED_KEY, key)


async def consent_redirect(request: Request, user_id: int) -> Response | None:
    """A redirect to the consent page when ``user_id`` has a current document to accept, else ``None``.

    Asks the database once per session and version: tenants that set no version cost nothing.
    """
    tenant = request.state.tenant
    key = versions_key(tenant)
    if not key or request.state.session.get(ACCEPTED_KEY) == key:
        return None
    async with get_portal().database.request_session(tenant.id) as db:
        due = await unaccepted(db, tenant, user_id)
    if not due:
        remember_accepted(request, key)
        return None
    root = request.scope.get("root_path", "")
    here = request.url.path.removeprefix(root) + ("?" + request.url.query if request.url.query else "")
    return RedirectResponse(f"{root}{CONSENT_PATH}?next={quote(here, safe='')}", status_code=303)
