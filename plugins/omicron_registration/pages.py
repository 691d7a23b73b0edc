"""The plugin's pages on the OMICRON tenant (all under ``/omicron``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.api import login_required, render

from . import content, migration


@login_required
async def welcome(request: Request) -> Response:
    """After a migration: the account is in the new portal, with the old username."""
    return await render(request, "omicron_registration/welcome.html")


def routes() -> list[BaseRoute]:
    """Every page of the plugin."""
    return [
        Route("/omicron/migrate", migration.request_page, methods=["GET", "POST"]),
        Route("/omicron/migrate/sent", migration.sent_page),
        Route("/omicron/migrate/{token}", migration.complete_page, methods=["GET", "POST"]),
        Route("/omicron/welcome", welcome),
        Route("/omicron/devices", content.devices_page, methods=["GET", "POST"]),
        Route("/omicron/updates", content.updates_page),
        Route("/omicron/updates/{update_id:int}/download", content.update_download),
        Route("/omicron/library", content.library_page),
        Route("/omicron/library/{document_id:int}", content.document_page),
        Route("/omicron/library/{document_id:int}/download", content.document_download),
        Route("/omicron/interests", content.interests_page, methods=["GET", "POST"]),
    ]
