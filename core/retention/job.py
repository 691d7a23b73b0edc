"""The periodic job enforcing every tenant's retention periods, with one audit entry summing up its work."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.service import record as audit
from core.db.base import utcnow
from core.portal import Portal
from core.retention.removal import clear_outbox_bodies, remove_audit_entries, remove_closed_tickets
from core.retention.settings import retention_settings
from core.storage import get_storage
from core.tenancy.models import Tenant

BATCH = 500


async def enforce_retention(portal: Portal, *, batch: int = BATCH) -> dict[str, int]:
    """Remove, tenant by tenant and ``batch`` rows at a time, what is past its period.

    Audit entries are deleted, the bodies of delivered or failed outbox mail emptied, closed
    tickets deleted with their thread and attachments (and the attachments' files). A tenant where
    something was removed gets a ``retention.enforced`` audit entry with the counts (``removed``) (itself kept
    for the audit period). Returns the totals of every tenant.
    """
    now = utcnow()
    storage = get_storage(portal)
    totals = {"audit_entries": 0, "outbox_bodies": 0, "tickets": 0, "attachments": 0}
    async with portal.database.session() as db:
        tenants = list(await db.scalars(select(Tenant).order_by(Tenant.id)))
        for tenant in tenants:
            periods = retention_settings(tenant)
            removed = dict.fromkeys(totals, 0)
            while count := await remove_audit_entries(db, tenant.id, now - periods.period("audit"), batch):
                removed["audit_entries"] += count
            while count := await clear_outbox_bodies(db, tenant.id, now - periods.period("outbox_body"), batch):
                removed["outbox_bodies"] += count
            before = now - periods.period("closed_ticket")
            while True:
                tickets, attachments = await remove_closed_tickets(db, storage, tenant.id, before, batch)
                if not tickets:
                    break
                removed["tickets"] += tickets
                removed["attachments"] += attachments
            if any(removed.values()):
                audit(db, "retention.enforced", tenant_id=tenant.id, actor_type="system", removed=removed)
                await db.commit()
            for name, count in removed.items():
                totals[name] += count
    return totals
