"""Lumen e-commerce: Lumen PRO e-commerce accounts: signed access requests, permissions, ordering, support."""

from __future__ import annotations

from pathlib import Path

from core.api import PluginInfo, hookimpl

HERE = Path(__file__).resolve().parent
NAME = "lumen_ecommerce"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Lumen e-commerce",
        description="Lumen PRO e-commerce accounts: signed access requests, permissions, ordering, support.",
        locales=("fr_CA", "en_CA"),
        demo_tenant={
            "slug": "lumen",
            "name": "Lumen — Espace PRO",
            "theme": "lumen",
            "locales": ["fr_CA", "en_CA"],
            "default_locale": "fr_CA",
            "timezone": "America/Montreal",
            "country": "CA",
            "subdivision": "QC",
            "ticket_prefix": "LUM",
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
