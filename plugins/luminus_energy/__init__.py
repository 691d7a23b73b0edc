"""Luminus SME: energy customer space — advances, invoices, readings, e-invoice, direct debit, statements."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute
from wtforms import Form

from core.api import (
    ActivationPolicy,
    ApiRoute,
    DeletionRule,
    DemoAccount,
    ExportPart,
    NavItem,
    Permission,
    PluginInfo,
    RegistryImporter,
    Tenant,
    TicketCategory,
    TicketField,
    User,
    UserEvent,
    Widget,
    hookimpl,
    lazy_gettext,
)
from core.api import gettext as _
from plugins.luminus_energy import models  # noqa: F401 - registers the tables on the metadata
from plugins.luminus_energy.settings import NAME, LuminusSettings

PREFIX = "/luminus"


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Luminus SME",
        description="Luminus SME energy space: advances, invoices, readings, e-invoice, direct debit, statements.",
        locales=("fr_BE", "nl_BE"),
        settings_model=LuminusSettings,
        url_prefix=PREFIX,
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
def portique_stylesheets(tenant: Tenant) -> list[str]:
    return [f"/static/plugins/{NAME}/luminus.css"]


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    from plugins.luminus_energy.routes import routes

    return routes()


@hookimpl
def portique_api_routes(tenant: Tenant) -> list[ApiRoute]:
    from plugins.luminus_energy.routes import api_routes

    return api_routes()


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return [
        NavItem(_("Advance and settlement"), route="luminus_advance", order=20),
        NavItem(_("Invoices and payments"), route="luminus_invoices", order=30),
        NavItem(_("Consumption and readings"), route="luminus_readings", order=40),
        NavItem(_("Account statement"), route="luminus_statement", order=50),
    ]


@hookimpl
def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
    return [
        TicketCategory(
            "advance",
            lazy_gettext("Advance amount"),
            lazy_gettext("You cannot change your advance online, or you have a question about it."),
            fields=(TicketField("ean", lazy_gettext("EAN code"), help=lazy_gettext("18 digits starting with 54.")),),
            order=10,
        ),
        TicketCategory(
            "invoice_archive",
            lazy_gettext("Invoice older than 3 years"),
            lazy_gettext("A copy of an invoice or credit note from 3 to 7 years ago."),
            fields=(TicketField("invoice_number", lazy_gettext("Invoice number"), required=True),),
            order=20,
        ),
        TicketCategory(
            "payment_method",
            lazy_gettext("Stop direct debit / payment method"),
            lazy_gettext("Pay by bank transfer instead of direct debit, or another billing question."),
            order=30,
        ),
        TicketCategory(
            "reminder_fee",
            lazy_gettext("Reminder fee cancellation"),
            lazy_gettext("Ask to cancel a reminder fee once the related invoice is paid."),
            fields=(
                TicketField("reminder_invoice", lazy_gettext("Number of the reminder fee")),
                TicketField("related_invoice", lazy_gettext("Number of the paid invoice")),
            ),
            order=40,
        ),
        TicketCategory(
            "readings",
            lazy_gettext("Meter readings"),
            lazy_gettext("Your indexes are not in line with the ones we have (estimated indexes…)."),
            fields=(TicketField("ean", lazy_gettext("EAN code"), help=lazy_gettext("18 digits starting with 54.")),),
            order=50,
        ),
    ]


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    from plugins.luminus_energy.widgets import load_overview

    return [Widget("luminus_energy/widgets/overview.html", load=load_overview, order=10)]


@hookimpl
def portique_registration_form(tenant: Tenant) -> type[Form]:
    from plugins.luminus_energy.registration import registration_form_class

    return registration_form_class()


@hookimpl
async def portique_validate_registration(tenant: Tenant, form: Form, db: AsyncSession) -> dict[str, Any] | None:
    from plugins.luminus_energy.registration import validate_registration

    return await validate_registration(tenant, form, db)


@hookimpl
def portique_activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy:
    return ActivationPolicy(email_confirmation=True, confirmation_valid_for=timedelta(days=3))


@hookimpl
async def portique_on_user_event(tenant: Tenant, event: UserEvent) -> None:
    if event.name == "registered":
        from plugins.luminus_energy.registration import on_registered

        await on_registered(tenant, event)


@hookimpl
def portique_permissions(tenant: Tenant) -> list[Permission]:
    return [
        Permission("billing", lazy_gettext("See invoices, payments and statements")),
        Permission("advance", lazy_gettext("Change advance amounts")),
        Permission("readings", lazy_gettext("Enter meter readings")),
        Permission("payment_method", lazy_gettext("Change the sending and payment method")),
    ]


@hookimpl
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    from plugins.luminus_energy.importers import importers

    return importers()


@hookimpl
def portique_services(tenant: Tenant) -> dict[type, object]:
    from plugins.luminus_energy.backend import LocalBackend, LuminusBackend

    return {LuminusBackend: LocalBackend()}


@hookimpl
async def portique_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    from plugins.luminus_energy.demo import create_demo_data

    return await create_demo_data(tenant, db)


@hookimpl
async def portique_export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    from plugins.luminus_energy.privacy import export_user_data

    return await export_user_data(tenant, user, db)


@hookimpl
def portique_deletion_rules(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    from plugins.luminus_energy.privacy import deletion_rule

    return deletion_rule(tenant, user, db)
