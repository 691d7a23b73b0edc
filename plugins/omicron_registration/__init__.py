"""OMICRON Customer Area: OMICRON Customer Area: serial-number registration, approval, migration, exclusive content."""

from __future__ import annotations

from pathlib import Path

from core.api import PluginInfo, hookimpl

HERE = Path(__file__).resolve().parent
NAME = "omicron_registration"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="OMICRON Customer Area",
        description="OMICRON Customer Area: serial-number registration, approval, migration, exclusive content.",
        locales=("en", "de", "fr"),
        demo_tenant={
            "slug": "omicron",
            "name": "OMICRON Customer Area",
            "theme": "omicron",
            "locales": ["en", "de", "fr"],
            "default_locale": "en",
            "timezone": "Europe/Vienna",
            "country": "AT",
            "subdivision": None,
            "ticket_prefix": "OMI",
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
