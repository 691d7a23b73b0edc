"""The plugin contract: every hook a Portique plugin may implement.

Conventions, the same for every hook:

* Names start with ``portique_``. Every hook but the start-up ones receives the ``tenant`` it runs
  for, and is only called for plugins the tenant enables (plus the core's default plugins).
* An implementation may accept fewer arguments than the spec lists, so specs can grow.
* ``firstresult`` hooks answer "who owns this" questions: the first non-``None`` answer wins.
  Other hooks collect a list, in a deterministic order (plugins sorted by name).
* Hooks marked *async-capable* may return an awaitable; the core awaits it.
* Conventions before hooks: the plugin manager finds a plugin package's ``templates/``, ``static/``,
  ``locale/`` and ``migrations/`` folders (next to its ``__init__.py``) by itself, keyed by the
  plugin's name. The four folder hooks are for the unusual case (another place, another key); a
  plugin that implements one is taken at its word for that kind of folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

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

PROJECT = "portique"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# ---------------------------------------------------------------------------------------------
# Start-up hooks: called once per process, when the application or the CLI is built.
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=False)
def portique_plugin_info() -> PluginInfo:
    """Declare the plugin's metadata: name, version, title, locales, settings schema, URL prefix.

    Every plugin must implement it; the name must equal the plugin's entry-point name.

    :return: a :class:`core.plugin_info.PluginInfo`.
    """


@hookspec
def portique_template_dirs() -> list[Path]:
    """Folders of Jinja templates, searched after the tenant's theme and before the core.

    Optional: without it, the package's ``templates/`` folder is used when it exists.

    Put pages under a folder named after the plugin (``lumen_ecommerce/order.html``). A file with a
    core template's name (``home.html``) replaces it on the tenants that enable the plugin; extend
    the original with ``{% extends "core:home.html" %}``.

    :return: absolute paths.
    """


@hookspec
def portique_static_dirs() -> dict[str, Path]:
    """Static files, served at ``/static/plugins/<name>/…``.

    Optional: without it, the package's ``static/`` folder is served under the plugin's name.

    :return: a mapping of plugin name to the absolute folder.
    """


@hookspec
def portique_locale_dirs() -> dict[str, Path]:
    """Babel catalogs: ``<dir>/<locale>/LC_MESSAGES/<domain>.mo`` for each shipped locale.

    Optional: without it, the package's ``locale/`` folder holds the gettext domain named after the
    plugin.

    :return: a mapping of gettext domain to the absolute ``locale`` folder.
    """


@hookspec
def portique_migrations_dir() -> dict[str, Path]:
    """The plugin's Alembic branch: its versions folder, whose first revision carries
    ``branch_labels = ("<label>",)`` and ``depends_on = "identity"`` (the core's tables a plugin may
    reference: tenants, users, accounts); ``portique db revision --plugin <label>`` writes it so.

    Optional: without it, the package's ``migrations/`` folder is the branch labelled with the
    plugin's name.

    :return: a mapping of branch label to the absolute versions folder.
    """


@hookspec
def portique_periodic_jobs() -> list[PeriodicJob]:
    """Background jobs ``portique worker`` runs at an interval (expiry clean-up, SLA breaches…).

    :return: :class:`core.periodic.PeriodicJob` objects; a job must be safe to run on several workers.
    """


@hookspec
def portique_cli(group: click.Group) -> None:
    """Add commands to the ``portique`` CLI (``portique <plugin> …``).

    :param group: the root click group; add a sub-group named after the plugin.
    """


# ---------------------------------------------------------------------------------------------
# Web hooks: called per tenant; results cached per tenant until its configuration changes.
# ---------------------------------------------------------------------------------------------


@hookspec
def portique_routes(tenant: Tenant) -> list[BaseRoute]:
    """Pages of the plugin on this tenant (Starlette ``Route``/``Mount`` objects).

    Paths are relative to the plugin's ``url_prefix``: the core places them under it (``/advance``
    is served at ``/luminus/advance``); a :class:`~core.web.routing.RootRoute` stays at the tenant
    root. Routes are matched before the core's, so a plugin may take over a core path such as
    ``/register`` with a ``RootRoute``. Name every route and link to it by name (``url_for``,
    ``redirect_to``), so the links follow the prefix. Every unsafe request is CSRF-checked by the
    core before the endpoint runs, and routes exist only on tenants that enable the plugin
    (elsewhere they 404).

    :param tenant: the tenant the routing table is built for.
    :return: routes, relative to the plugin's ``url_prefix``.
    """


@hookspec
def portique_operator_routes() -> list[BaseRoute]:
    """Pages served on the operator host (``<base domain>``, no tenant): console, dev mailbox…

    Like tenant routes they are CSRF-checked by the core; ``request.state.tenant`` is ``None``.

    :return: routes.
    """


@hookspec
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    """Links for the main navigation of a page.

    :param tenant: the current tenant.
    :param user: the signed-in user, or ``None`` for a visitor.
    :return: :class:`core.web.nav.NavItem` objects with translated labels.
    """


@hookspec
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    """Blocks on the signed-in home page (account overview, balance, documents…).

    :param tenant: the current tenant.
    :param user: the signed-in user.
    :return: :class:`core.web.nav.Widget` objects; their ``load`` runs per request.
    """


@hookspec
def portique_oidc_claims(
    tenant: Tenant, user: User, scopes: list[str], db: AsyncSession
) -> Awaitable[dict[str, Any]] | dict[str, Any] | None:
    """Claims the plugin adds to the user's ID token and userinfo answer (*async-capable*).

    Called when the tenant's OpenID Connect provider signs a customer in to another application.
    Name claims after the plugin (``lumen_customer_number``) and answer only for the scopes that
    cover them; a claim the core sets (``sub``, ``email``, ``name``…) is never replaced.

    :param tenant: the current tenant.
    :param user: the signed-in user.
    :param scopes: the scopes the client was granted (``openid``, ``profile``, ``email``…).
    :param db: a tenant-scoped session, to read the user's accounts or the plugin's tables.
    :return: a mapping of claim name to a JSON value, or ``None``.
    """


@hookspec
def portique_api_routes(tenant: Tenant) -> list[ApiRoute]:
    """Endpoints the plugin adds to the tenant's JSON API for native apps (``/api/v1/…``).

    Each :class:`~core.headless.contract.ApiRoute` declares a path relative to ``/api/v1`` (start it
    with the plugin's own prefix: ``/luminus/invoices``), a method, and pydantic models for its
    query, body and answer: the OpenAPI schema (``/api/v1/openapi.json``) is built from them. The
    endpoint receives an :class:`~core.headless.contract.ApiCall` whose ``user`` was authenticated by
    the bearer token of this tenant (never by the session cookie), with a tenant-scoped ``db``; it
    answers a pydantic model (or ``None``: 204) or raises :class:`~core.headless.contract.ApiError`.
    Bearer-only endpoints need no CSRF token. Asked when the tenant's routing table is built and when
    its schema is served: answer from the tenant alone.

    :param tenant: the tenant the API is built for.
    :return: the plugin's API routes.
    """


@hookspec
def portique_stylesheets(tenant: Tenant) -> list[str]:
    """Extra stylesheets for every page of the tenant, after the theme's.

    Asked once per tenant configuration and kept: answer from the tenant alone, not from the request.

    :param tenant: the current tenant.
    :return: URLs (usually ``/static/plugins/<name>/<file>.css``).
    """


# ---------------------------------------------------------------------------------------------
# Identity hooks: how a tenant registers, activates, names and signs in its users.
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def portique_registration_form(tenant: Tenant) -> type[Form] | None:
    """The form class of the core ``/register`` page on this tenant.

    Subclass ``core.api.RegistrationForm`` to add fields (account number, serial number…).

    :param tenant: the current tenant.
    :return: a WTForms form class, or ``None`` to leave the choice to another plugin.
    """


@hookspec
def portique_validate_registration(
    tenant: Tenant, form: Form, db: AsyncSession
) -> Awaitable[dict[str, Any] | None] | dict[str, Any] | None:
    """Check a submitted registration against the provider's records (*async-capable*).

    Add messages to ``form.<field>.errors`` to refuse it; the core re-renders the form with them.

    :param tenant: the current tenant.
    :param form: the bound, already field-validated registration form.
    :param db: the tenant-scoped database session.
    :return: data to keep on the new user (``user.plugin_data``), or ``None``.
    """


@hookspec
def portique_divert_registration(tenant: Tenant, form: Form, db: AsyncSession) -> Awaitable[str | None] | str | None:
    """Take a submitted registration over instead of creating a user (*async-capable*).

    Called once per submission, after the core's field, username and password checks, whether they
    passed or not (``form.<field>.errors`` tell), so a plugin may also accept a form the core would
    refuse (OMICRON: the e-mail address of a former account alone starts its migration). The core
    then counts the attempt against the registration throttle, commits ``db`` and redirects to the
    path; the first answer wins. To stay enumeration-safe, answer the same for every address in the
    same situation, known or not.

    :param tenant: the current tenant.
    :param form: the bound registration form, with its errors.
    :param db: the tenant-scoped database session (the core commits it).
    :return: a path of the tenant to redirect to, or ``None`` to let the registration go on.
    """


@hookspec(firstresult=True)
def portique_activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy | None:
    """How new users of this tenant become active (confirmation, lifetime, operator approval).

    :param tenant: the current tenant.
    :param user: the user being registered (its ``plugin_data`` holds registration checks), or
        ``None`` when the tenant-wide answer is asked.
    :return: an :class:`~core.identity.policies.ActivationPolicy`, or ``None``.
    """


@hookspec
def portique_send_confirmation(tenant: Tenant, user: User, db: AsyncSession) -> Awaitable[bool | None] | bool | None:
    """Send ``user`` the provider's own confirmation link instead of the core's (*async-capable*).

    Called by the core's confirmation flow (``core.api.send_confirmation``): at registration, when a
    known address that still waits for its link registers again, and on ``/confirm/resend``. A plugin
    whose confirmation page is its own (another link, another mail) issues the token, queues the mail
    in ``db`` and answers ``True``; the link's page then calls ``core.api.confirm_email``, so the
    ``email_confirmed`` and ``activated`` events and audit entries are the core's.

    :param tenant: the current tenant.
    :param user: the user who must confirm their address (status ``pending_email``).
    :param db: the tenant-scoped database session of the change (the caller commits).
    :return: ``True`` when the plugin sent the link (the core sends none), else ``None``.
    """


@hookspec(firstresult=True)
def portique_username_policy(tenant: Tenant) -> UsernamePolicy | None:
    """Whether the tenant uses usernames, and their rules.

    :param tenant: the current tenant.
    :return: a :class:`~core.identity.policies.UsernamePolicy`, or ``None``.
    """


@hookspec(firstresult=True)
def portique_password_policy(tenant: Tenant) -> PasswordPolicy | None:
    """The rules of a new password on this tenant.

    :param tenant: the current tenant.
    :return: a :class:`~core.identity.policies.PasswordPolicy`, or ``None``.
    """


@hookspec(firstresult=True)
def portique_login_identifiers(tenant: Tenant) -> tuple[LoginIdentifier, ...] | None:
    """What the ``login`` field of the sign-in form accepts: ``("email",)``, ``("username",)`` or both.

    :param tenant: the current tenant.
    :return: a tuple of identifiers, or ``None``.
    """


@hookspec(firstresult=True)
def portique_session_policy(tenant: Tenant) -> SessionPolicy | None:
    """Lifetimes of signed-in sessions ("stay signed in", idle and absolute timeouts).

    :param tenant: the current tenant.
    :return: a :class:`~core.identity.policies.SessionPolicy`, or ``None``.
    """


@hookspec
def portique_permissions(tenant: Tenant) -> list[Permission]:
    """Permissions a membership may grant on this tenant.

    :param tenant: the current tenant.
    :return: :class:`~core.identity.policies.Permission` objects.
    """


@hookspec(firstresult=True)
def portique_account_users_policy(tenant: Tenant, account: Account) -> AccountUsersPolicy | None:
    """Who may manage an account's users and how (core page, or the plugin's own form).

    :param tenant: the current tenant.
    :param account: the account whose users are managed.
    :return: an :class:`~core.identity.policies.AccountUsersPolicy`, or ``None``.
    """


@hookspec
def portique_on_user_event(tenant: Tenant, event: UserEvent) -> Awaitable[None] | None:
    """React to an identity event (*async-capable*): create memberships, claim devices…

    Runs inside the transaction of the change: writes through ``event.db`` commit with it.

    :param tenant: the current tenant.
    :param event: the :class:`~core.identity.events.UserEvent`.
    """


@hookspec
def portique_consent_documents(tenant: Tenant) -> list[Document]:
    """The plugin's own documents a customer accepts by registering on this tenant (Lumen: the
    commitment of its signed access request), besides the tenant's terms of use and privacy notice.

    ``register_user`` records the acceptance of each (user, document, version, time, IP) on every
    registration path. Unlike the tenant's two documents, a new version is not asked of customers
    already registered.

    :param tenant: the current tenant.
    :return: :class:`~core.consent.document.Document` items (``core.api.ConsentDocument``).
    """


# ---------------------------------------------------------------------------------------------
# Ticketing and approvals hooks.
# ---------------------------------------------------------------------------------------------


@hookspec
def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
    """Support categories of this tenant, with their fields and SLA.

    :param tenant: the current tenant.
    :return: :class:`~core.ticketing.categories.TicketCategory` objects.
    """


@hookspec
def portique_care_actions(tenant: Tenant, ticket: Ticket) -> list[CareAction]:
    """Customer-care actions offered on ``ticket``, run by an agent on the requester's account.

    Look at ``ticket.category`` and answer the actions of your own care categories (an empty list
    for the others); the core adds its everyday ones (password-reset link, unlock sign-in) on every
    ticket. An action calls an existing service (the core's ``care_*`` actions in ``core.api`` do);
    the console checks that the agent may work on the tenant and that the action is offered, then
    audits the run and notes it in the thread. Codes are unique on a ticket: on a clash the first
    answer wins.

    :param tenant: the ticket's tenant.
    :param ticket: the ticket the console shows.
    :return: :class:`~core.ticketing.care.actions.CareAction` objects.
    """


@hookspec
def portique_approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> Awaitable[None] | None:
    """An operator approved or rejected a request the plugin filed (*async-capable*).

    Called for requests whose ``plugin`` is this plugin, in the transaction of the decision.

    :param tenant: the current tenant.
    :param approval: the decided request (``status``, ``reason``, ``payload``).
    :param db: the tenant-scoped session.
    """


@hookspec
def portique_approval_fields(tenant: Tenant, approval: ApprovalRequest) -> list[ApprovalField] | None:
    """The labelled fields of the approval card of a request the plugin filed.

    Called only for the plugin named by the request's ``plugin``, in the console's language with the
    tenant's catalogues, so ``lazy_gettext`` labels read in the operator's language. Without an
    answer the card lists the payload's keys and values as they are.

    :param tenant: the tenant of the request.
    :param approval: the pending request (``kind``, ``payload``).
    :return: :class:`~core.approvals.fields.ApprovalField` objects, in the order to show them.
    """


# ---------------------------------------------------------------------------------------------
# Data hooks: back-office services, registry imports, demo data, a customer's data export.
# ---------------------------------------------------------------------------------------------


@hookspec
def portique_services(tenant: Tenant) -> Mapping[type, object]:
    """Services the plugin provides on this tenant, keyed by the protocol each implements.

    A provider plugin defines its back-office protocol (a ``typing.Protocol`` in its ``backend.py``)
    and registers its local implementation: ``{LuminusBackend: LocalBackend()}``; its code then asks
    ``core.api.service(tenant, LuminusBackend)``. A connector plugin enabled on the same tenant
    registers the owner's protocol with its own implementation and replaces the local one there
    (two connectors of one protocol on one tenant are an error). Every implementation must conform
    to its protocol (every method, with a compatible signature); the core checks it when it builds
    the tenant's services, once per tenant configuration.

    :param tenant: the current tenant.
    :return: a mapping of protocol class to the object implementing it.
    """


@hookspec
def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
    """CSV imports of back-office data an operator may run from the console or the CLI.

    :param tenant: the current tenant.
    :return: :class:`~core.imports.RegistryImporter` objects.
    """


@hookspec
def portique_demo_data(tenant: Tenant, db: AsyncSession) -> Awaitable[list[DemoAccount]]:
    """Create demo records for ``portique demo`` (*async-capable*); must be idempotent.

    :param tenant: the demo tenant.
    :param db: a tenant-scoped session, committed by the caller.
    :return: :class:`~core.demo.DemoAccount` entries to print.
    """


@hookspec
def portique_export_user_data(
    tenant: Tenant, user: User, db: AsyncSession
) -> Awaitable[list[ExportPart]] | list[ExportPart] | None:
    """What the plugin holds about ``user``, for the export they asked for on their profile (*async-capable*).

    The core's worker builds the customer's ZIP from the core's ``core.json`` (profile, memberships,
    sessions, audit entries, tickets) and each enabled plugin's answer: a part is written as
    ``<plugin>/<part name>.json``, its files under ``<plugin>/<part name>/``. Answer only data of
    this user (through their memberships' accounts, or rows naming their id): never another
    customer's. The call runs in the user's language, so labels and PDFs read as on their pages.
    Render documents with the code the pages use (an invoice PDF is the one the page serves). An
    exception fails the whole export (the customer may ask again), so answer what you have.

    :param tenant: the user's tenant.
    :param user: the user whose data is exported (``user.id``, ``user.email``).
    :param db: a session scoped to the tenant; read through it, never write (the core commits it with the export).
    :return: :class:`core.api.ExportPart` objects (name, JSON-able data, :class:`core.api.ExportFile`
        files), or ``None`` when the plugin holds nothing about the user.
    """


@hookspec
def portique_deletion_rules(
    tenant: Tenant, user: User, db: AsyncSession
) -> Awaitable[DeletionRule | None] | DeletionRule | None:
    """What the plugin says about deleting ``user``'s account (*async-capable*).

    Called when the customer opens "Delete my account" on their profile (the page shows each
    plugin's refusal, what it keeps and what it removes), when they confirm it, and again by the
    worker when the grace period is over: a refusal then (the situation changed during the grace
    period) stops the deletion. When no plugin refuses, the worker calls each rule's ``erase`` in
    one transaction with the core's part (the user row anonymised, sessions and links revoked,
    memberships removed, tickets kept with the requester anonymised). Touch only rows of this user:
    never another customer's. Keep what a law obliges you to keep (invoices, signed evidence) and
    anonymise what names the person in it where you can.

    :param tenant: the user's tenant.
    :param user: the user whose account is to be deleted (still whole when ``erase`` runs).
    :param db: a session scoped to the tenant; read through it when answering, write through it in
        ``erase`` (the core commits).
    :return: a :class:`core.api.DeletionRule` (refusal, keeps, removes, erase), or ``None`` when the
        plugin holds nothing about the user.
    """
