"""Software updates: releases of the product families a customer owns, downloads for owners only."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import Select, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    StorageError,
    audit,
    current_user,
    get_storage,
    render,
    tenant_db,
)

from .access import (
    OWNED,
    owned_families,
    record_refusal,
    signed_in_or_login,
)
from .catalog import FAMILY_LABELS
from .models import SoftwareUpdate

# -- software updates -----------------------------------------------------------------------------


def _owned_updates() -> Select[Any]:
    owned = OWNED.distinct().subquery()
    return (
        select(owned.c.family, SoftwareUpdate)
        .outerjoin(SoftwareUpdate, SoftwareUpdate.family == owned.c.family)
        .order_by(owned.c.family, SoftwareUpdate.released_on.desc())
    )


OWNED_UPDATES = _owned_updates()
"""``(family, update)`` for each family the user bound as ``user_id`` owns, newest update first
(``(family, None)`` for a family without updates)."""


async def updates_page(request: Request) -> Response:
    """``/omicron/updates``: releases of the families the user owns (visitors are invited to register)."""
    user = await current_user(request)
    updates: list[SoftwareUpdate] = []
    families: set[str] = set()
    if user is not None:
        async with tenant_db(request) as db:
            for family, update in await db.execute(OWNED_UPDATES, {"user_id": user.id}):
                families.add(family)
                if update is not None:
                    updates.append(update)
    return await render(
        request,
        "omicron_registration/updates.html",
        {"updates": updates, "owned": families, "families": FAMILY_LABELS},
    )


async def update_download(request: Request) -> Response:
    """A software update file, for owners of its product family only (a direct URL included)."""
    user, refusal = await signed_in_or_login(request)
    if refusal is not None:
        return refusal
    async with tenant_db(request) as db:
        update = await db.scalar(select(SoftwareUpdate).where(SoftwareUpdate.id == request.path_params["update_id"]))
        if update is None:
            raise HTTPException(status_code=404)
        if update.family not in await owned_families(db, user.id):
            await record_refusal(db, request, user, "software_update", update.id)
            raise HTTPException(status_code=403, detail="not_owner")
        audit(db, "omicron.update_downloaded", request=request, actor_type="user", actor_id=user.id,
              subject_type="software_update", subject_id=update.id)  # fmt: skip
        await db.commit()
    try:
        content = await get_storage().read(update.file_key)
    except StorageError:
        raise HTTPException(status_code=404) from None
    disposition = f"attachment; filename*=UTF-8''{quote(update.file_name)}"
    return Response(content, media_type="application/octet-stream", headers={"Content-Disposition": disposition})
