"""The plugin's pages on the OMICRON tenant (all under ``/omicron``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.api import ApiRoute, login_required, render

from . import device_api, devices, interests, library, migration, updates


@login_required
async def welcome(request: Request) -> Response:
    """After a migration: the account is in the new portal, with the old username."""
    return await render(request, "omicron_registration/welcome.html")


def routes() -> list[BaseRoute]:
    """Every page of the plugin."""
    return [
        Route("/migrate", migration.request_page, methods=["GET", "POST"], name="omicron_migrate"),
        Route("/migrate/sent", migration.sent_page, name="omicron_migrate_sent"),
        Route("/migrate/{token}", migration.complete_page, methods=["GET", "POST"], name="omicron_migrate_complete"),
        Route("/welcome", welcome, name="omicron_welcome"),
        Route("/devices", devices.devices_page, methods=["GET", "POST"], name="omicron_devices"),
        Route("/updates", updates.updates_page, name="omicron_updates"),
        Route("/updates/{update_id:id}/download", updates.update_download, name="omicron_update_download"),
        Route("/library", library.library_page, name="omicron_library"),
        Route("/library/{document_id:id}", library.document_page, name="omicron_document"),
        Route("/library/{document_id:id}/download", library.document_download, name="omicron_document_download"),
        Route("/interests", interests.interests_page, methods=["GET", "POST"], name="omicron_interests"),
    ]


def api_routes() -> list[ApiRoute]:
    """The plugin's endpoints in the apps' API (``/api/v1/omicron/…``)."""
    return [
        ApiRoute(
            "/omicron/devices",
            device_api.device_list,
            name="omicron_devices",
            summary="The user's devices",
            response=device_api.DeviceList,
            tags=("OMICRON: devices",),
        )
    ]
