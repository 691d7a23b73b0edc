"""Fixtures of the ticketing and console tests: two tiny test plugins with categories, tenants, users."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from core.api import (
    CareAction,
    RegistryImporter,
    RowError,
    TicketCategory,
    TicketField,
    care_change_email,
    care_restore_membership,
    create_user,
    get_or_create_account,
    hookimpl,
    lazy_gettext,
)
from core.identity.models import UserStatus
from core.plugin_info import PluginInfo
from core.portal import Portal
from core.settings import Settings
from core.tenancy.models import Tenant

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64


async def _validate_customers(db: Any, tenant: Tenant, rows: Any) -> list[RowError]:
    errors = []
    for line, row in enumerate(rows, start=2):
        if not row["number"].isdigit():
            errors.append(RowError(line, "number", "digits only"))
        if not row["name"]:
            errors.append(RowError(line, "name", "missing"))
    return errors


async def _apply_customers(db: Any, tenant: Tenant, rows: Any) -> int:
    for row in rows:
        await get_or_create_account(db, row["number"], name=row["name"])
    return len(rows)


async def _apply_then_fail(db: Any, tenant: Tenant, rows: Any) -> int:
    await get_or_create_account(db, rows[0]["number"], name=rows[0]["name"])
    raise ConnectionError("the back office went away")


# (plugin, tenant, kind, status, reason) of every decision the test plugins heard about
DECISIONS: list[tuple[str, str, str, str, str]] = []


def _plugin(name: str, categories: list[TicketCategory]) -> types.ModuleType:
    module = types.ModuleType(name)

    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name=name, version="1.0", title=name)

    @hookimpl
    def portique_ticket_categories(tenant: Tenant) -> list[TicketCategory]:
        return categories

    @hookimpl
    async def portique_approval_decided(tenant: Tenant, approval: Any, db: Any) -> None:
        DECISIONS.append((name, tenant.slug, approval.kind, approval.status, approval.reason))

    @hookimpl
    def portique_registry_importers(tenant: Tenant) -> list[RegistryImporter]:
        return [
            RegistryImporter(
                code="customers",
                label="Customers",
                columns=("number", "name"),
                validate=_validate_customers,
                apply=_apply_customers,
            ),
            RegistryImporter(
                code="flaky",
                label="Flaky backend",
                columns=("number", "name"),
                validate=_validate_customers,
                apply=_apply_then_fail,
            ),
        ]

    @hookimpl
    def portique_care_actions(tenant: Tenant, ticket: Any) -> list[CareAction]:
        return [care_change_email(), care_restore_membership()] if ticket.category == "account" else []

    module.portique_care_actions = portique_care_actions  # type: ignore[attr-defined]
    module.portique_registry_importers = portique_registry_importers  # type: ignore[attr-defined]
    module.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
    module.portique_ticket_categories = portique_ticket_categories  # type: ignore[attr-defined]
    module.portique_approval_decided = portique_approval_decided  # type: ignore[attr-defined]
    return module


ALPHA = _plugin(
    "helpdesk_alpha",
    [
        TicketCategory(
            code="billing",
            name=lazy_gettext("Billing"),
            help="Questions about invoices.",
            sla_hours=8,
            anonymous=True,
            fields=(
                TicketField(name="customer_number", label="Customer number", kind="account_number", required=True),
                TicketField(name="amount", label="Amount", kind="number"),
                TicketField(name="phone", label="Phone", kind="phone"),
                TicketField(
                    name="topic",
                    label="Topic",
                    kind="choice",
                    required=True,
                    choices=(("late", "Late"), ("wrong", "Wrong")),
                ),
            ),
        ),
        TicketCategory(code="account", name="Account", sla_hours=16, anonymous=False),
    ],
)
BETA = _plugin(
    "helpdesk_beta",
    [TicketCategory(code="meter", name="Meter reading", sla_hours=24, anonymous=True)],
)


@pytest.fixture
async def app(portique_settings: Settings) -> AsyncIterator[Any]:
    """The application with the two test plugins."""
    from core.app import create_app

    application = create_app(
        portique_settings, access_log=False, extra_plugins={"helpdesk_alpha": ALPHA, "helpdesk_beta": BETA}
    )
    yield application
    await application.state.portal.database.dispose()


@pytest.fixture
async def alpha(make_tenant: Callable[..., Awaitable[Tenant]]) -> Tenant:
    """A Quebec tenant with the alpha plugin (prefix ALP)."""
    return await make_tenant(
        "alpha",
        plugins=["helpdesk_alpha"],
        ticket_prefix="ALP",
        timezone="America/Montreal",
        country="CA",
        subdivision="QC",
        locales=["en", "fr"],
    )


@pytest.fixture
async def beta(make_tenant: Callable[..., Awaitable[Tenant]]) -> Tenant:
    """A Belgian tenant with the beta plugin (prefix BET)."""
    return await make_tenant(
        "beta",
        plugins=["helpdesk_beta"],
        ticket_prefix="BET",
        timezone="Europe/Brussels",
        country="BE",
        locales=["en", "nl"],
    )


@pytest.fixture
def make_user(portal: Portal) -> Callable[..., Awaitable[Any]]:
    """``await make_user(tenant, "a@example.com")``: an active customer with password ``correct horse 1``."""

    async def make(tenant: Tenant, email: str, **values: Any) -> Any:
        async with portal.database.session(tenant.id) as db:
            values.setdefault("status", UserStatus.ACTIVE)
            user = await create_user(db, email=email, password="correct horse 1", first_name="Ann", **values)
            await db.commit()
        return user

    return make


@pytest.fixture
def sign_in(portal: Portal) -> Callable[..., Awaitable[None]]:
    """Sign a client in as a user without going through the login page (owned by identity)."""

    async def do(client: Any, tenant: Tenant, user: Any) -> None:
        from datetime import timedelta

        from core.db.base import utcnow
        from core.sessions.state import SessionData, hash_session_id

        raw = "s" + f"test-session-{user.id}-{tenant.id}-abcdefghijkl"
        await portal.session_store.save(
            SessionData(
                id=hash_session_id(raw), tenant_id=tenant.id, expires_at=utcnow() + timedelta(hours=2), user_id=user.id
            )
        )
        client.cookies.set("portique_session", raw)

    return do
