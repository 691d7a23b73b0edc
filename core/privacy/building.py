"""The worker's job: build the pending exports, store each ZIP, and mail its single-use link.

Each plugin enabled on the tenant contributes through ``portique_export_user_data``; the build runs
in the user's language (labels in PDFs and data read as on their pages). A request is claimed by one
worker only (``pending`` → ``building`` in one conditional update), so several workers may run it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n import use_locale
from core.identity.models import User, UserStatus
from core.identity.tokens import issue_token
from core.mail.service import queue_mail
from core.plugins import resolve_one
from core.portal import Portal
from core.privacy.archive import Contribution, build_zip
from core.privacy.identity_data import core_part
from core.privacy.models import ExportRequest, ExportStatus
from core.privacy.parts import ExportPart
from core.storage import get_storage
from core.tenancy.models import Tenant

log = logging.getLogger("portique.privacy")

HOOK = "portique_export_user_data"
TOKEN_PURPOSE = "privacy_export"  # noqa: S105 - the purpose of the action tokens, not a secret
VALID_FOR = timedelta(days=7)
"""How long the download link (and the stored archive) lives; the profile section and the link page say 7 days."""
STORAGE_NAMESPACE = "privacy-exports"
BATCH = 5
"""Exports built per run of the job; the rest wait for the next run."""
STALE_AFTER = timedelta(hours=1)
"""A request still ``building`` this long after a worker took it lost that worker (a restart): it is built again."""


def _claimable() -> ColumnElement[bool]:
    """Pending requests, and those whose build was interrupted."""
    stale = and_(ExportRequest.status == ExportStatus.BUILDING, ExportRequest.claimed_at < utcnow() - STALE_AFTER)
    return or_(ExportRequest.status == ExportStatus.PENDING, stale)


async def _claim(portal: Portal) -> list[int]:
    """Take up to ``BATCH`` requests for this worker."""
    async with portal.database.session() as db:
        ids = list(
            await db.scalars(select(ExportRequest.id).where(_claimable()).order_by(ExportRequest.id).limit(BATCH))
        )
        claimed = []
        for export_id in ids:
            result = await db.execute(
                update(ExportRequest)
                .where(ExportRequest.id == export_id, _claimable())
                .values(status=ExportStatus.BUILDING, claimed_at=utcnow())
            )
            if getattr(result, "rowcount", 1):  # another worker may have taken it first
                claimed.append(export_id)
        await db.commit()
    return claimed


async def plugin_contributions(portal: Portal, tenant: Tenant, user: User, db: AsyncSession) -> list[Contribution]:
    """What each plugin enabled on ``tenant`` answers to ``portique_export_user_data``, by plugin name."""
    found = []
    for name in portal.plugins.enabled_names(tenant):
        if not portal.plugins.hook_implemented(name, HOOK):
            continue
        answer = await resolve_one(portal.plugins.call_plugin(name, HOOK, tenant=tenant, user=user, db=db))
        parts = tuple(part for part in answer or () if isinstance(part, ExportPart))
        if parts:
            found.append(Contribution(name, parts))
    return found


async def export_archive(portal: Portal, tenant: Tenant, user: User, db: AsyncSession) -> bytes:
    """The ZIP of everything the portal holds about ``user`` (the core's part, then each plugin's)."""
    contributions = [Contribution("core", (await core_part(portal, db, user),))]
    contributions += await plugin_contributions(portal, tenant, user, db)
    about = {
        "portal": tenant.name,
        "user": user.email,
        "created_at": utcnow().isoformat(),
        "parts": [c.component for c in contributions],
    }
    return build_zip(contributions, about)


async def _build(portal: Portal, db: AsyncSession, tenant: Tenant, export: ExportRequest) -> None:
    user = await db.get(User, export.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        export.status = ExportStatus.FAILED
        return
    locale = user.locale if user.locale in tenant.locales else tenant.default_locale
    with use_locale(locale, portal.translations(tenant, locale)):
        content = await export_archive(portal, tenant, user, db)
    export.storage_key = await get_storage(portal).save(STORAGE_NAMESPACE, tenant.id, content)
    export.size = len(content)
    export.status = ExportStatus.READY
    export.built_at = utcnow()
    export.expires_at = export.built_at + VALID_FOR
    raw = await issue_token(db, TOKEN_PURPOSE, valid_for=VALID_FOR, user=user, payload={"export": export.id})
    link = portal.page_url(tenant, "privacy_export_download", token=raw)
    letter = {"user": user, "link": link, "days": VALID_FOR.days}
    queue_mail(db, tenant, user.email, "privacy/export_ready", letter, locale=locale)
    audit(
        db,
        "privacy.export_built",
        tenant_id=tenant.id,
        actor_type="system",
        subject_type="user",
        subject_id=user.id,
        export=export.id,
        size=export.size,
    )


async def _fail(portal: Portal, export_id: int) -> None:
    async with portal.database.session() as db:
        await db.execute(update(ExportRequest).where(ExportRequest.id == export_id).values(status=ExportStatus.FAILED))
        await db.commit()


async def build_pending_exports(portal: Portal) -> int:
    """Build the pending exports (the ``privacy.build_exports`` job); returns how many were built."""
    built = 0
    for export_id in await _claim(portal):
        key = None
        try:
            async with portal.database.session() as lookup:
                tenant_id = await lookup.scalar(select(ExportRequest.tenant_id).where(ExportRequest.id == export_id))
                tenant = await lookup.get(Tenant, tenant_id)
            assert tenant is not None
            async with portal.database.session(tenant.id) as db:
                export = await db.get(ExportRequest, export_id)
                assert export is not None
                await _build(portal, db, tenant, export)
                key = export.storage_key
                await db.commit()
            built += export.status == ExportStatus.READY
        except Exception:
            log.exception("building export %s failed", export_id)
            if key:
                await get_storage(portal).delete(key)
            await _fail(portal, export_id)
    return built
