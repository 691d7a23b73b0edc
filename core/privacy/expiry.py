"""Deleting what the customer did not download: archives whose link expired (``privacy.purge_exports``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.service import record as audit
from core.db.base import utcnow
from core.portal import Portal
from core.privacy.models import ExportRequest, ExportStatus
from core.storage import get_storage


async def expire_export(portal: Portal, db: AsyncSession, export: ExportRequest) -> None:
    """Delete the archive of ``export`` and mark it expired (audited; the caller commits)."""
    if export.storage_key:
        await get_storage(portal).delete(export.storage_key)
    export.storage_key = None
    export.status = ExportStatus.EXPIRED
    audit(
        db,
        "privacy.export_expired",
        tenant_id=export.tenant_id,
        actor_type="system",
        subject_type="user",
        subject_id=export.user_id,
        export=export.id,
    )


async def purge_expired_exports(portal: Portal) -> int:
    """Expire every ready export past its date, on every tenant; returns how many."""
    async with portal.database.session() as db:
        due = list(
            await db.scalars(
                select(ExportRequest).where(
                    ExportRequest.status == ExportStatus.READY, ExportRequest.expires_at <= utcnow()
                )
            )
        )
        for export in due:
            await expire_export(portal, db, export)
        await db.commit()
    return len(due)
