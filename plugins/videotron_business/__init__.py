"""Vidéotron Business: Vidéotron Business customer space: activation e-mail, holder registration, secondary users."""

from __future__ import annotations

from pathlib import Path

from core.api import PluginInfo, hookimpl

HERE = Path(__file__).resolve().parent
NAME = "videotron_business"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Vidéotron Business",
        description="Vidéotron Business customer space: activation e-mail, holder registration, secondary users.",
        locales=("fr_CA", "en_CA"),
        demo_tenant={
            "slug": "videotron",
            "name": "Vidéotron Affaires",
            "theme": "videotron",
            "locales": ["fr_CA", "en_CA"],
            "default_locale": "fr_CA",
            "timezone": "America/Montreal",
            "country": "CA",
            "subdivision": "QC",
            "ticket_prefix": "VID",
        },
    )


@hookimpl
def portique_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def portique_static_dirs() -> dict[str, Path]:
    return {NAME: HERE / "static"}


@hookimpl
def portique_locale_dirs() -> dict[str, Path]:
    return {NAME: HERE / "locale"}


@hookimpl
def portique_migrations_dir() -> dict[str, Path]:
    return {NAME: HERE / "migrations"}
