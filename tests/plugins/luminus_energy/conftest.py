"""Fixtures of the Luminus tests: the tenant, customers built with the demo builders, signed-in clients."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from core.api import Role, Tenant, UserStatus, create_user, get_or_create_account, grant_membership
from core.sessions.state import hash_session_id
from core.sessions.store import SessionData
from plugins.luminus_energy.demo import Site, add_customer, add_site
from plugins.luminus_energy.models import Contract, Customer, Energy, Frequency
from plugins.luminus_energy.registration import PERMISSIONS

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)


@pytest.fixture
def frozen(time_machine: Any) -> Any:
    """Time frozen on 26 November 2026, 10:00 UTC."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
async def luminus(make_tenant: Callable[..., Awaitable[Tenant]], frozen: Any) -> Tenant:
    """The Luminus tenant (fr_BE default, nl_BE)."""
    return await make_tenant(
        "luminus",
        name="Luminus PME",
        plugins=["luminus_energy"],
        theme="luminus",
        locales=["fr_BE", "nl_BE"],
        default_locale="fr_BE",
        timezone="Europe/Brussels",
        country="BE",
    )


class World:
    """Builds customers with history and signs users in."""

    def __init__(self, portal: Any, tenant: Tenant, tenant_client: Callable[[str], httpx.AsyncClient]) -> None:
        self.portal = portal
        self.tenant = tenant
        self.tenant_client = tenant_client
        self.counter = 0

    def db(self) -> Any:
        """A tenant-scoped session."""
        return self.portal.database.session(self.tenant.id)

    async def customer(
        self,
        *,
        number: str | None = None,
        start: date = date(2024, 3, 1),
        frequency: str = Frequency.MONTHLY,
        advance: Decimal = Decimal("300"),
        annual: Decimal = Decimal("12000"),
        end: date | None = None,
        unpaid_last: bool = False,
        today: date = TODAY,
        registers: tuple[tuple[str, float], ...] = (("single", 1.0),),
    ) -> tuple[Customer, Contract]:
        """A customer with one electricity contract and its history up to ``today``."""
        self.counter += 1
        number = number or f"20009{self.counter:05d}"
        async with self.db() as db:
            customer = await add_customer(db, number, f"Client {number}", email=f"c{number}@example.be")
            contract = await add_site(
                db,
                customer,
                Site(
                    f"541448800{self.counter:08d}",
                    Energy.ELECTRICITY,
                    "Rue Haute 1",
                    "1000",
                    "Bruxelles",
                    registers,
                    "ELEC-PRO-FIX",
                    start,
                    frequency=frequency,
                    advance=advance,
                    annual=annual,
                    end=end,
                ),
                today,
                unpaid_last=unpaid_last,
            )
            await db.commit()
            await db.refresh(customer)
            await db.refresh(contract)
        return customer, contract

    async def client(self, customer: Customer | None, *, locale: str = "fr_BE") -> httpx.AsyncClient:
        """A client signed in as a new holder of ``customer`` (or a user without customer)."""
        async with self.db() as db:
            user = await create_user(
                db,
                email=f"user{secrets.token_hex(4)}@example.be",
                password=None,
                status=UserStatus.ACTIVE,
                locale=locale,
            )
            if customer is not None:
                account = await get_or_create_account(db, customer.number, name=customer.name)
                await grant_membership(db, user, account, Role.HOLDER, PERMISSIONS)
            await db.commit()
            user_id = user.id
        raw = "s" + secrets.token_urlsafe(32)
        await self.portal.session_store.save(
            SessionData(
                id=hash_session_id(raw),
                tenant_id=self.tenant.id,
                expires_at=NOW + timedelta(days=3650),
                user_id=user_id,
            )
        )
        client = self.tenant_client("luminus")
        client.headers["Cookie"] = f"portique_session={raw}"
        client.headers["Accept-Language"] = locale.replace("_", "-")
        self.last_user_id = user_id
        return client


@pytest.fixture
async def world(portal: Any, luminus: Tenant, tenant_client: Any) -> World:
    """Builders bound to the Luminus tenant."""
    return World(portal, luminus, tenant_client)
