"""An in-memory view of the tenants, refreshed from the database, for fast per-request resolution."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import make_transient

from core.db.engine import Database
from core.tenancy.models import Tenant

REFRESH_SECONDS = 5.0


@dataclass
class TenantRegistry:
    """Maps hostnames and slugs to detached ``Tenant`` objects; reloads at most every few seconds."""

    database: Database
    base_domain: str
    _by_host: dict[str, Tenant] = field(default_factory=dict)
    _by_slug: dict[str, Tenant] = field(default_factory=dict)
    _by_id: dict[int, Tenant] = field(default_factory=dict)
    _loaded_at: float = float("-inf")
    _reloading: asyncio.Task[None] | None = None
    _signature: tuple[int, object] | None = None

    def _fresh(self) -> bool:
        return time.monotonic() - self._loaded_at < REFRESH_SECONDS

    async def refresh(self, *, force: bool = False) -> None:
        """Reload tenants when the cache is stale (or always with ``force``).

        One reload at a time (single flight): while it runs, requests keep serving the previous view;
        before the first load they all await that one reload and resume together, not one after the
        other behind a lock (each hand-off of a lock waits a turn of the busy event loop).
        A forced refresh sees every change made before it: it waits for a reload in progress, which
        may have read too early, then runs its own.
        """
        if not force and self._fresh():
            return
        running = self._reloading
        if running is not None and not running.done():
            if not force and self._loaded_at != float("-inf"):
                return
            await asyncio.shield(running)
            if not force:
                return
        if force or not self._fresh():
            self._reloading = asyncio.ensure_future(self._reload())
            await asyncio.shield(self._reloading)  # a cancelled request does not cancel the others' reload

    async def _reload(self) -> None:
        async with self.database.session() as session:
            # A cheap probe first: most of the time nothing changed and the full reload is skipped.
            count, latest = (await session.execute(select(func.count(Tenant.id), func.max(Tenant.updated_at)))).one()
            signature = (int(count), latest)
            if signature == self._signature:
                self._loaded_at = time.monotonic()
                return
            tenants = list((await session.scalars(select(Tenant).where(Tenant.enabled))).all())
            for tenant in tenants:
                session.expunge(tenant)
                make_transient(tenant)
        by_host: dict[str, Tenant] = {}
        by_slug: dict[str, Tenant] = {}
        for tenant in tenants:
            by_slug[tenant.slug] = tenant
            by_host[f"{tenant.slug}.{self.base_domain}"] = tenant
            for host in tenant.hostnames or []:
                by_host[host.lower()] = tenant
        self._by_host, self._by_slug = by_host, by_slug
        self._by_id = {tenant.id: tenant for tenant in tenants}
        self._signature = signature
        self._loaded_at = time.monotonic()

    def by_host(self, host: str) -> Tenant | None:
        """The tenant served on ``host`` (without port), if any."""
        return self._by_host.get(host.lower())

    def by_slug(self, slug: str) -> Tenant | None:
        """The enabled tenant with this slug, if any."""
        return self._by_slug.get(slug)

    def by_id(self, tenant_id: int) -> Tenant | None:
        """The enabled tenant with this id, if any."""
        return self._by_id.get(tenant_id)

    def all(self) -> list[Tenant]:
        """Every enabled tenant, by slug."""
        return [self._by_slug[s] for s in sorted(self._by_slug)]
