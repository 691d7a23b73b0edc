"""The privacy default plugin: the export pages, and the worker's jobs that build and expire exports."""

from __future__ import annotations

from datetime import timedelta

from starlette.routing import BaseRoute, Route

from core.hookspecs import hookimpl
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.privacy import export_pages
from core.privacy import models as _models  # noqa: F401 - registers the table
from core.privacy.building import build_pending_exports
from core.privacy.expiry import purge_expired_exports


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="privacy", version="0.1.0", title="Privacy", default=True)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/profile/export", export_pages.request_export, methods=["POST"], name="privacy_export"),
        Route("/profile/export/{token}", export_pages.download_export, name="privacy_export_download"),
    ]


@hookimpl
def portique_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob("privacy.build_exports", timedelta(seconds=10), build_pending_exports),
        PeriodicJob("privacy.purge_exports", timedelta(hours=1), purge_expired_exports),
    ]
