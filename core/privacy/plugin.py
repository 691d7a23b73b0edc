"""The privacy default plugin: the export and deletion pages, the operator's page, and the worker's jobs
that build and expire exports and carry out deletions."""

from __future__ import annotations

from datetime import timedelta

from starlette.routing import BaseRoute, Route

from core.hookspecs import hookimpl
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.privacy import deletion_pages, export_pages, operator_pages
from core.privacy import models as _models  # noqa: F401 - registers the tables
from core.privacy.building import build_pending_exports
from core.privacy.carrying_out import carry_out_due_deletions
from core.privacy.expiry import purge_expired_exports
from core.privacy.settings import PrivacySettings


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="privacy", version="0.2.0", title="Privacy", default=True, settings_model=PrivacySettings)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/profile/export", export_pages.request_export, methods=["POST"], name="privacy_export"),
        Route("/profile/export/{token}", export_pages.download_export, name="privacy_export_download"),
        Route("/profile/delete", deletion_pages.delete_account, methods=["GET", "POST"], name="privacy_delete"),
        Route("/profile/delete/cancel", deletion_pages.cancel_from_profile, methods=["POST"]),
        Route(
            "/profile/delete/cancel/{token}",
            deletion_pages.cancel_from_link,
            methods=["GET", "POST"],
            name="privacy_delete_cancel_link",
        ),
        *operator_pages.routes(),
    ]


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    return operator_pages.routes()


@hookimpl
def portique_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob("privacy.build_exports", timedelta(seconds=10), build_pending_exports),
        PeriodicJob("privacy.purge_exports", timedelta(hours=1), purge_expired_exports),
        PeriodicJob("privacy.carry_out_deletions", timedelta(minutes=5), carry_out_due_deletions),
    ]
