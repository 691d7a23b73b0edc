"""The typed face of the hook relay: what calling each hook of ``core.hookspecs`` answers.

pluggy's relay is dynamic, so the core calls hooks through this protocol and mypy checks every call
site: keyword arguments as the spec names them; a list of the implementations' answers, or for a
``firstresult`` hook the first answer that is not ``None``. A meta-test keeps it equal to the specs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Awaitable, Mapping

    import click
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.routing import BaseRoute
    from wtforms import Form

    from core.approvals.fields import ApprovalField
    from core.approvals.models import ApprovalRequest
    from core.consent.document import Document
    from core.demo import DemoAccount
    from core.headless.contract import ApiRoute
    from core.identity.events import UserEvent
    from core.identity.models import Account, User
    from core.identity.policies import (
        AccountUsersPolicy,
        ActivationPolicy,
        LoginIdentifier,
        PasswordPolicy,
        Permission,
        SessionPolicy,
        UsernamePolicy,
    )
    from core.imports import RegistryImporter
    from core.periodic import PeriodicJob
    from core.plugin_info import PluginInfo
    from core.privacy.parts import ExportPart
    from core.privacy.rules import DeletionRule
    from core.tenancy.models import Tenant
    from core.ticketing.care.actions import CareAction
    from core.ticketing.categories import TicketCategory
    from core.ticketing.models import Ticket
    from core.web.nav import NavItem, Widget


class HookRelay(Protocol):
    """``portal.hooks(tenant)`` and ``plugins.hook``: one method per hook of the contract."""

    def portique_account_users_policy(self, *, tenant: Tenant, account: Account) -> AccountUsersPolicy | None: ...

    def portique_activation_policy(self, *, tenant: Tenant, user: User | None) -> ActivationPolicy | None: ...

    def portique_approval_decided(
        self, *, tenant: Tenant, approval: ApprovalRequest, db: AsyncSession
    ) -> list[Awaitable[None] | None]: ...

    def portique_approval_fields(
        self, *, tenant: Tenant, approval: ApprovalRequest
    ) -> list[list[ApprovalField] | None]: ...

    def portique_care_actions(self, *, tenant: Tenant, ticket: Ticket) -> list[list[CareAction]]: ...

    def portique_cli(self, *, group: click.Group) -> list[None]: ...

    def portique_consent_documents(self, *, tenant: Tenant) -> list[list[Document]]: ...

    def portique_dashboard_widgets(self, *, tenant: Tenant, user: User) -> list[list[Widget]]: ...

    def portique_deletion_rules(
        self, *, tenant: Tenant, user: User, db: AsyncSession
    ) -> list[Awaitable[DeletionRule | None] | DeletionRule | None]: ...

    def portique_demo_data(self, *, tenant: Tenant, db: AsyncSession) -> list[Awaitable[list[DemoAccount]]]: ...

    def portique_divert_registration(
        self, *, tenant: Tenant, form: Form, db: AsyncSession
    ) -> list[Awaitable[str | None] | str | None]: ...

    def portique_export_user_data(
        self, *, tenant: Tenant, user: User, db: AsyncSession
    ) -> list[Awaitable[list[ExportPart]] | list[ExportPart] | None]: ...

    def portique_locale_dirs(self) -> list[dict[str, Path]]: ...

    def portique_login_identifiers(self, *, tenant: Tenant) -> tuple[LoginIdentifier, ...] | None: ...

    def portique_migrations_dir(self) -> list[dict[str, Path]]: ...

    def portique_nav_items(self, *, tenant: Tenant, user: User | None) -> list[list[NavItem]]: ...

    def portique_api_routes(self, *, tenant: Tenant) -> list[list[ApiRoute]]: ...

    def portique_oidc_claims(
        self, *, tenant: Tenant, user: User, scopes: list[str], db: AsyncSession
    ) -> list[Awaitable[dict[str, Any]] | dict[str, Any] | None]: ...

    def portique_on_user_event(self, *, tenant: Tenant, event: UserEvent) -> list[Awaitable[None] | None]: ...

    def portique_operator_routes(self) -> list[list[BaseRoute]]: ...

    def portique_password_policy(self, *, tenant: Tenant) -> PasswordPolicy | None: ...

    def portique_periodic_jobs(self) -> list[list[PeriodicJob]]: ...

    def portique_permissions(self, *, tenant: Tenant) -> list[list[Permission]]: ...

    def portique_plugin_info(self) -> list[PluginInfo]: ...

    def portique_registration_form(self, *, tenant: Tenant) -> type[Form] | None: ...

    def portique_registry_importers(self, *, tenant: Tenant) -> list[list[RegistryImporter]]: ...

    def portique_routes(self, *, tenant: Tenant) -> list[list[BaseRoute]]: ...

    def portique_send_confirmation(
        self, *, tenant: Tenant, user: User, db: AsyncSession
    ) -> list[Awaitable[bool | None] | bool | None]: ...

    def portique_services(self, *, tenant: Tenant) -> list[Mapping[type, object]]: ...

    def portique_session_policy(self, *, tenant: Tenant) -> SessionPolicy | None: ...

    def portique_static_dirs(self) -> list[dict[str, Path]]: ...

    def portique_stylesheets(self, *, tenant: Tenant) -> list[list[str]]: ...

    def portique_template_dirs(self) -> list[list[Path]]: ...

    def portique_ticket_categories(self, *, tenant: Tenant) -> list[list[TicketCategory]]: ...

    def portique_username_policy(self, *, tenant: Tenant) -> UsernamePolicy | None: ...

    def portique_validate_registration(
        self, *, tenant: Tenant, form: Form, db: AsyncSession
    ) -> list[Awaitable[dict[str, Any] | None] | dict[str, Any] | None]: ...
