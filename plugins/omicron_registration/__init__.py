"""OMICRON Customer Area: serial-number registration, approval, migration, exclusive content."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from core.api import (
    ActivationPolicy,
    ApiRoute,
    ApprovalRequest,
    CareAction,
    DeletionRule,
    DemoAccount,
    ExportPart,
    NavItem,
    PeriodicJob,
    PluginInfo,
    RegistryImporter,
    SessionPolicy,
    Tenant,
    Ticket,
    TicketCategory,
    User,
    UserEvent,
    UsernamePolicy,
    Widget,
    gettext,
    hookimpl,
)

from . import models as _models  # noqa: F401 - registers the tables
from .backend import LocalBackend, OmicronBackend
from .settings import NAME, OmicronSettings


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="OMICRON Customer Area",
        description="OMICRON Customer Area: serial-number registration, approval, migration, exclusive content.",
        locales=("en", "de", "fr"),
        settings_model=OmicronSettings,
        url_prefix="/omicron",
        demo_tenant={
            "slug": "omicron",
            # The brand, the same in every language; the space's name ("Customer Area", "Kundenbereich",
            # "Espace Client") is the theme's, translated, next to it.
            "name": "OMICRON",
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
def portique_periodic_jobs() -> list[PeriodicJob]:
    from .waiting import periodic_jobs

    return periodic_jobs()


@hookimpl
def portique_stylesheets(tenant: Tenant) -> list[str]:
    return [f"/static/plugins/{NAME}/omicron.css"]


# -- pages ----------------------------------------------------------------------------------------


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    from .routes import routes

    return routes()


@hookimpl
def portique_api_routes(tenant: Tenant) -> list[ApiRoute]:
    from .routes import api_routes

    return api_routes()


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    library = NavItem(label=gettext("Technical library"), route="omicron_library", order=30)
    if user is None:
        return [library]
    return [
        NavItem(label=gettext("My devices"), route="omicron_devices", order=20),
        library,
        NavItem(label=gettext("Software updates"), route="omicron_updates", order=40),
        NavItem(label=gettext("My topics"), route="omicron_interests", order=50),
    ]


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    from .interests import dashboard_context

    return [Widget(template="omicron_registration/widgets/dashboard.html", load=dashboard_context, order=10)]


@hookimpl
def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
    from .tickets import categories

    return categories()


@hookimpl
def portique_care_actions(tenant: Tenant, ticket: Ticket) -> list[CareAction]:
    from .tickets import care_actions

    return care_actions(ticket)


@hookimpl
async def portique_approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> None:
    from .devices import approval_decided

    await approval_decided(tenant, approval, db)


# -- identity -------------------------------------------------------------------------------------


@hookimpl
def portique_registration_form(tenant: Tenant) -> type[Any]:
    from .registration import registration_form_class

    return registration_form_class()


@hookimpl
async def portique_validate_registration(tenant: Tenant, form: Any, db: AsyncSession) -> dict[str, Any] | None:
    from .registration import validate_registration

    return await validate_registration(tenant, form, db)


@hookimpl
async def portique_divert_registration(tenant: Tenant, form: Any, db: AsyncSession) -> str | None:
    from .migration import divert_registration

    return await divert_registration(tenant, form, db)


@hookimpl
def portique_activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy:
    from .registration import activation_policy

    return activation_policy(tenant, user)


@hookimpl
def portique_username_policy(tenant: Tenant) -> UsernamePolicy:
    from .registration import username_policy

    return username_policy()


@hookimpl
def portique_login_identifiers(tenant: Tenant) -> tuple[str, ...]:
    return ("username", "email")


@hookimpl
def portique_session_policy(tenant: Tenant) -> SessionPolicy:
    from .registration import session_policy

    return session_policy()


@hookimpl
async def portique_on_user_event(tenant: Tenant, event: UserEvent) -> None:
    from .accounts import on_user_event

    await on_user_event(tenant, event)


# -- data -----------------------------------------------------------------------------------------


@hookimpl
def portique_services(tenant: Tenant) -> dict[type, object]:
    return {OmicronBackend: LocalBackend()}


@hookimpl
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    from .importers import importers

    return importers()


@hookimpl
async def portique_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    from .demo import create_demo_data

    return await create_demo_data(tenant, db)


@hookimpl
async def portique_export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    from .privacy import export_user_data

    return await export_user_data(tenant, user, db)


@hookimpl
def portique_deletion_rules(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    from .privacy import deletion_rule

    return deletion_rule(tenant, user, db)
