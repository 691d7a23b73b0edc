"""Lumen e-commerce: Lumen PRO e-commerce accounts: signed access requests, permissions, ordering, support."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from core.api import (
    Account,
    AccountUsersPolicy,
    ApprovalField,
    ApprovalRequest,
    ConsentDocument,
    DeletionRule,
    ExportPart,
    NavItem,
    Permission,
    PluginInfo,
    RegistryImporter,
    Tenant,
    TicketCategory,
    User,
    Widget,
    gettext,
    hookimpl,
    lazy_gettext,
)
from plugins.lumen_ecommerce import models as _models  # noqa: F401 - registers the tables
from plugins.lumen_ecommerce.oidc_claims import lumen_claims
from plugins.lumen_ecommerce.settings import NAME, LumenSettings


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        version="0.1.0",
        title="Lumen e-commerce",
        description="Lumen PRO e-commerce accounts: signed access requests, permissions, ordering, support.",
        locales=("fr_CA", "en_CA"),
        settings_model=LumenSettings,
        url_prefix="/lumen",
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
def portique_consent_documents(tenant: Tenant) -> list[ConsentDocument]:
    from plugins.lumen_ecommerce.evidence import TERMS_VERSION

    return [
        ConsentDocument(f"{NAME}.commitment", TERMS_VERSION, label=lazy_gettext("Commitment of the access request"))
    ]


@hookimpl
def portique_cli(group: click.Group) -> None:
    from plugins.lumen_ecommerce.cli import lumen

    group.add_command(lumen)


@hookimpl
def portique_stylesheets(tenant: Tenant) -> list[str]:
    return [f"/static/plugins/{NAME}/lumen.css"]


@hookimpl
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    from plugins.lumen_ecommerce.routes import routes

    return routes()


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    from plugins.lumen_ecommerce.routes import operator_routes

    return operator_routes()


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return [
        NavItem(gettext("Catalogue"), route="lumen_catalogue", order=20),
        NavItem(gettext("Orders"), route="lumen_orders", order=30),
    ]


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    from plugins.lumen_ecommerce.widgets import account_widget

    return [Widget("lumen_ecommerce/widgets/account.html", load=account_widget, order=10)]


@hookimpl
def portique_login_identifiers(tenant: Tenant) -> tuple[str, ...]:
    return ("username", "email")


@hookimpl
def portique_permissions(tenant: Tenant) -> list[Permission]:
    from plugins.lumen_ecommerce.rules import PERM_ORDER, PERM_ORDER_APPROVAL, PERM_PRICES

    return [
        Permission(PERM_ORDER, lazy_gettext("Place orders")),
        Permission(PERM_ORDER_APPROVAL, lazy_gettext("Place orders for approval")),
        Permission(PERM_PRICES, lazy_gettext("See prices only (cannot place orders)")),
    ]


@hookimpl
def portique_account_users_policy(tenant: Tenant, account: Account) -> AccountUsersPolicy:
    return AccountUsersPolicy(
        manage_roles=("holder", "admin"),
        invitable_roles=(),
        change_url="/register?action=add",
        member_change_url="/register?action=modify&member={membership_id}",
        notice=lazy_gettext(
            "To add, modify or remove users, the account administrator fills in and signs the e-commerce access form."
        ),
    )


@hookimpl
def portique_approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> Any:
    from plugins.lumen_ecommerce.access_requests import decide

    if approval.plugin != NAME or approval.kind != "access_request":
        return None
    return decide(db, tenant, approval)


@hookimpl
def portique_approval_fields(tenant: Tenant, approval: ApprovalRequest) -> list[ApprovalField] | None:
    from plugins.lumen_ecommerce.access_requests import approval_fields

    return approval_fields(approval) if approval.kind == "access_request" else None


@hookimpl
def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
    from plugins.lumen_ecommerce.tickets import categories

    return categories(tenant)


@hookimpl
def portique_services(tenant: Tenant) -> dict[type, object]:
    from plugins.lumen_ecommerce.backend import CustomerRegistry, LocalCustomerRegistry

    return {CustomerRegistry: LocalCustomerRegistry()}


@hookimpl
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    from plugins.lumen_ecommerce.importers import importers

    return importers()


@hookimpl
def portique_demo_data(tenant: Tenant, db: AsyncSession) -> Any:
    from plugins.lumen_ecommerce.demo import create_demo_data

    return create_demo_data(tenant, db)


@hookimpl
async def portique_export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    from plugins.lumen_ecommerce.privacy import export_user_data

    return await export_user_data(tenant, user, db)


@hookimpl
async def portique_oidc_claims(
    tenant: Tenant, user: User, scopes: list[str], db: AsyncSession
) -> dict[str, Any] | None:
    return await lumen_claims(user, scopes, db)


@hookimpl
def portique_deletion_rules(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    from plugins.lumen_ecommerce.privacy import deletion_rule

    return deletion_rule(tenant, user, db)
