"""The retention default plugin: the tenant's retention settings and the worker's job enforcing them."""

from __future__ import annotations

from datetime import timedelta

from core.hookspecs import hookimpl
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.retention.job import enforce_retention
from core.retention.settings import RetentionSettings


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="retention", version="0.1.0", title="Retention", default=True, settings_model=RetentionSettings
    )


@hookimpl
def portique_periodic_jobs() -> list[PeriodicJob]:
    return [PeriodicJob("retention.enforce", timedelta(hours=6), enforce_retention)]
