"""Luminus SME: Luminus SME energy space: advances, invoices, readings, e-invoice, direct debit, statements."""

from __future__ import annotations

from pathlib import Path

from core.api import PluginInfo, hookimpl

HERE = Path(__file__).resolve().parent
NAME = "luminus_energy"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Luminus SME",
        description="Luminus SME energy space: advances, invoices, readings, e-invoice, direct debit, statements.",
        locales=("fr_BE", "nl_BE"),
        demo_tenant={
            "slug": "luminus",
            "name": "Luminus PME",
            "theme": "luminus",
            "locales": ["fr_BE", "nl_BE"],
            "default_locale": "fr_BE",
            "timezone": "Europe/Brussels",
            "country": "BE",
            "subdivision": None,
            "ticket_prefix": "LUX",
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
