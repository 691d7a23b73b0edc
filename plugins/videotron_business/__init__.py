"""Vidéotron Business: business customer space with activation e-mail, holder registration and secondary users."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.api import (
    ActivationPolicy,
    DemoAccount,
    PasswordPolicy,
    PluginInfo,
    RegistryImporter,
    Tenant,
    User,
    UsernamePolicy,
    hookimpl,
)
from plugins.videotron_business import models as _models  # noqa: F401 - registers the tables
from plugins.videotron_business import policies
from plugins.videotron_business.backend import LocalBackend, VideotronBackend

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

HERE = Path(__file__).resolve().parent
NAME = "videotron_business"
URL_PREFIX = "/videotron"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Vidéotron Business",
        description="Vidéotron Business customer space: activation e-mail, holder registration, secondary users.",
        locales=("fr_CA", "en_CA"),
        url_prefix=URL_PREFIX,
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


# -- identity ------------------------------------------------------------------------------------


@hookimpl
def portique_username_policy(tenant: Tenant) -> UsernamePolicy:
    return policies.username_policy()


@hookimpl
def portique_password_policy(tenant: Tenant) -> PasswordPolicy:
    return policies.password_policy()


@hookimpl
def portique_login_identifiers(tenant: Tenant) -> tuple[str, ...]:
    return ("username",)


@hookimpl
def portique_activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy:
    return policies.activation_policy()


# -- data ----------------------------------------------------------------------------------------


@hookimpl
def portique_backend(tenant: Tenant) -> VideotronBackend:
    return LocalBackend()


@hookimpl
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    from plugins.videotron_business.imports import importers

    return importers()


@hookimpl
async def portique_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    from plugins.videotron_business.demo import create_demo_data

    return await create_demo_data(db)
