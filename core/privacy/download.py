"""Handing over an export: the single-use link, for the signed-in user it was mailed to only.

The archive is deleted from the storage as soon as it was read for the download.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.models import User
from core.identity.tokens import TokenCheck, TokenProblem, check_token, consume_token
from core.portal import Portal
from core.privacy.building import TOKEN_PURPOSE
from core.privacy.expiry import expire_export
from core.privacy.models import ExportRequest, ExportStatus
from core.storage import StorageError, get_storage


@dataclass(frozen=True)
class Handover:
    """The archive to send, or the token's problem (``content`` is then ``None``)."""

    check: TokenCheck
    content: bytes | None = None


UNKNOWN = TokenCheck(None, TokenProblem.UNKNOWN)


async def _export_of(db: AsyncSession, check: TokenCheck) -> ExportRequest | None:
    export_id = check.token.payload.get("export") if check.token else None
    return await db.get(ExportRequest, int(export_id)) if isinstance(export_id, int) else None


async def hand_over(
    portal: Portal, db: AsyncSession, raw: str, user: User, *, request: Request | None = None
) -> Handover:
    """Use the link ``raw`` for ``user`` (``db`` is scoped to the tenant; the caller commits).

    A link of another user is refused like an unknown one and stays usable by its owner. An expired
    link deletes its archive. A used link, or an archive already gone, is refused.
    """
    check = await check_token(db, raw, TOKEN_PURPOSE)
    if check.token is not None and check.token.user_id != user.id:
        return Handover(UNKNOWN)
    export = await _export_of(db, check) if check.token is not None else None
    if check.problem is TokenProblem.EXPIRED and export is not None:
        await expire_export(portal, db, export)
    if not check.ok:
        return Handover(check)
    if export is None or export.status != ExportStatus.READY or not export.storage_key:
        return Handover(TokenCheck(check.token, TokenProblem.USED))
    try:
        content = await get_storage(portal).read(export.storage_key)
    except StorageError:
        return Handover(TokenCheck(check.token, TokenProblem.USED))
    await consume_token(db, raw, TOKEN_PURPOSE)
    key, export.storage_key = export.storage_key, None
    export.status = ExportStatus.DOWNLOADED
    export.downloaded_at = utcnow()
    audit(
        db,
        "privacy.export_downloaded",
        request=request,
        tenant_id=user.tenant_id,
        actor_type="user",
        actor_id=user.id,
        subject_type="user",
        subject_id=user.id,
        export=export.id,
    )
    await db.flush()
    await get_storage(portal).delete(key)
    return Handover(check, content)
