"""Dashboard blocks: account overview from the registry, and the "We are here to help" block."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from core.api import Widget, current_membership, service, tenant_db, url_for
from plugins.videotron_business.backend import VideotronBackend, format_postal_code


async def load_overview(request: Request) -> Mapping[str, Any]:
    """The signed-in user's account: number, service address, service lines (holder sees user count)."""
    membership = await current_membership(request)
    if membership is None:
        return {"record": None}
    account = membership.account
    async with tenant_db(request) as db:
        overview = await service(request.state.tenant, VideotronBackend).account_overview(db, account.number)
    record, lines = overview if overview is not None else (None, [])
    return {
        "record": record,
        "postal_code": format_postal_code(record.postal_code) if record else "",
        "lines": lines,
        "is_holder": membership.role == "holder",
        "users_url": url_for(request, "videotron_users"),
    }


async def load_help(request: Request) -> Mapping[str, Any]:
    """Links to the two ticket categories."""
    return {
        "billing_url": url_for(request, "support_new", category="billing"),
        "technical_url": url_for(request, "support_new", category="technical"),
    }


def widgets() -> list[Widget]:
    """The plugin's dashboard widgets."""
    return [
        Widget("videotron_business/widgets/overview.html", load=load_overview, order=10),
        Widget("videotron_business/widgets/help.html", load=load_help, order=20),
    ]
