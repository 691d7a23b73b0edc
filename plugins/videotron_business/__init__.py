"""Vidéotron Business: business customer space with activation e-mail, holder registration and secondary users."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.api import (
    Account,
    AccountUsersPolicy,
    ActivationPolicy,
    CareAction,
    DeletionRule,
    DemoAccount,
    ExportPart,
    NavItem,
    PasswordPolicy,
    PluginInfo,
    RegistryImporter,
    Tenant,
    Ticket,
    TicketCategory,
    TicketField,
    User,
    UsernamePolicy,
    Widget,
    care_resend_confirmation,
    care_restore_membership,
    hookimpl,
    lazy_gettext,
)
from core.api import gettext as _
from plugins.videotron_business import models as _models  # noqa: F401 - registers the tables
from plugins.videotron_business import rules
from plugins.videotron_business.backend import LocalBackend, VideotronBackend
from plugins.videotron_business.oidc_claims import videotron_claims

if TYPE_CHECKING:
    import click
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.routing import BaseRoute

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


# -- web ---------------------------------------------------------------------------------------


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    from plugins.videotron_business.routes import routes

    return routes()


@hookimpl
def portique_stylesheets(tenant: Tenant) -> list[str]:
    return [f"/static/plugins/{NAME}/videotron.css"]


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    if user is None:
        return [NavItem(_("Activation e-mail"), route="videotron_activation_request", order=50)]
    if (user.plugin_data or {}).get(NAME, {}).get("role") == "holder":
        return [NavItem(_("Your account"), route="videotron_users", order=50)]
    return []


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    from plugins.videotron_business.widgets import widgets

    return widgets()


@hookimpl
def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
    return [
        TicketCategory(
            code="billing",
            name=lazy_gettext("Billing, products and services"),
            help=lazy_gettext("For any general question about your bill or one of our products or services."),
            sla_hours=16,
            order=10,
        ),
        TicketCategory(
            code="technical",
            name=lazy_gettext("Assistance and service problems"),
            help=lazy_gettext("To get assistance or to report a problem with a service or with equipment."),
            sla_hours=8,
            order=20,
        ),
        TicketCategory(
            code="access",
            name=lazy_gettext("Access to my online account"),
            help=lazy_gettext(
                "Activation e-mail not received or expired, account locked, or access suspended by the account holder."
            ),
            fields=(TicketField("username", lazy_gettext("Your username, if you have one")),),
            sla_hours=8,
            anonymous=True,
            order=30,
        ),
    ]


@hookimpl
def portique_care_actions(tenant: Tenant, ticket: Ticket) -> list[CareAction]:
    if ticket.category != "access":
        return []
    return [care_resend_confirmation(), care_restore_membership()]


# -- identity ------------------------------------------------------------------------------------


@hookimpl
def portique_username_policy(tenant: Tenant) -> UsernamePolicy:
    return rules.username_policy()


@hookimpl
def portique_password_policy(tenant: Tenant) -> PasswordPolicy:
    return rules.password_policy()


@hookimpl
def portique_login_identifiers(tenant: Tenant) -> tuple[str, ...]:
    return ("username",)


@hookimpl
def portique_activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy:
    return rules.activation_policy()


@hookimpl
async def portique_send_confirmation(tenant: Tenant, user: User, db: AsyncSession) -> bool | None:
    from plugins.videotron_business.activation import send_confirmation

    return await send_confirmation(db, tenant, user)


@hookimpl
def portique_account_users_policy(tenant: Tenant, account: Account) -> AccountUsersPolicy:
    return AccountUsersPolicy(
        manage_roles=("holder",),
        invitable_roles=("member",),
        change_url=f"{URL_PREFIX}/users",
        notice=lazy_gettext("Only the account holder manages the users of the account."),
    )


# -- data ----------------------------------------------------------------------------------------


@hookimpl
def portique_services(tenant: Tenant) -> dict[type, object]:
    return {VideotronBackend: LocalBackend()}


@hookimpl
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    from plugins.videotron_business.importers import importers

    return importers()


@hookimpl
async def portique_demo_data(tenant: Tenant, db: AsyncSession) -> list[DemoAccount]:
    from plugins.videotron_business.demo import create_demo_data

    return await create_demo_data(db)


@hookimpl
def portique_cli(group: click.Group) -> None:
    from plugins.videotron_business.cli import videotron

    group.add_command(videotron)


@hookimpl
async def portique_export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    from plugins.videotron_business.privacy import export_user_data

    return await export_user_data(tenant, user, db)


@hookimpl
def portique_oidc_claims(tenant: Tenant, user: User, scopes: list[str]) -> dict[str, Any] | None:
    return videotron_claims(user, scopes)


@hookimpl
async def portique_deletion_rules(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    from plugins.videotron_business.privacy import deletion_rule

    return await deletion_rule(tenant, user, db)
