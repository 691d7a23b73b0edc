"""The quarantine of inbound mail: what reached no ticket (unknown sender, forged address, auto-reply…).

Staff who may see a quarantined mail attach it to a ticket of its tenant (by reference) or discard it
(:mod:`core.ticketing.quarantine_release`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.i18n import gettext as _
from core.mail.models import QuarantinedMail
from core.portal import get_portal
from core.staff.models import Staff
from core.storage import StorageError, get_storage
from core.tenancy.models import Tenant
from core.ticketing.quarantine_release import ReleaseRefusedError, attach_to_ticket, delete_raw, discard, ticket_for
from core.web.flow import flash
from core.web.ids import parse_id, parse_int
from core.web.redirects import redirect
from core.web.rendering import render

PAGE = 100


def reason_labels() -> dict[str, str]:
    """Translated reasons of :class:`core.ticketing.inbound.Reason`."""
    return {
        "automatic": _("Auto-reply or bounce"),
        "unknown_domain": _("Not a tenant's address"),
        "forged_token": _("Forged or foreign reply address"),
        "unknown_sender": _("Sender is not the recipient of this address"),
        "no_ticket": _("No ticket found"),
        "ticket_closed": _("Ticket closed"),
        "empty": _("No text"),
        "attachment_refused": _("Attachment refused (the reply was added)"),
    }


def _visible(request: Request) -> Select[Any]:
    """The quarantined mail this staff member may see: their tenants', and on the operator host (operators
    only) the mail no tenant's domain took."""
    allowed: list[int] = request.state.staff_tenants
    staff: Staff = request.state.staff
    condition: ColumnElement[bool] = QuarantinedMail.tenant_id.in_(allowed)
    if request.state.tenant is None and staff.is_operator:
        condition = condition | QuarantinedMail.tenant_id.is_(None)
    return select(QuarantinedMail).where(condition)


async def quarantine(request: Request) -> Response:
    """``/console/quarantine``: newest first, filtered by tenant and reason."""
    params = request.query_params
    query = _visible(request)
    chosen = parse_id(params.get("tenant", ""))
    if chosen is not None:
        query = query.where(QuarantinedMail.tenant_id == chosen)
    if params.get("reason") in reason_labels():
        query = query.where(QuarantinedMail.reason == params["reason"])
    before = parse_int(params.get("before", ""))
    if before is not None:
        query = query.where(QuarantinedMail.id < before)
    allowed: list[int] = request.state.staff_tenants
    async with get_portal().database.session() as db:
        rows = list(await db.scalars(query.order_by(QuarantinedMail.id.desc()).limit(PAGE + 1)))
        names = {t.id: t.name for t in await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)))}
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    kept = {k: params[k] for k in ("tenant", "reason") if params.get(k)}
    return await render(
        request,
        "console/quarantine.html",
        {
            "rows": rows,
            "names": names,
            "reasons": reason_labels(),
            "params": kept,
            "next_before": rows[-1].id if more else None,
        },
    )


async def raw_message(request: Request) -> Response:
    """``/console/quarantine/{id}.eml``: the message as it came, as a download (never rendered)."""
    async with get_portal().database.session() as db:
        row = await db.scalar(_visible(request).where(QuarantinedMail.id == request.path_params["mail_id"]))
    if row is None:
        raise HTTPException(status_code=404)
    try:
        content = await get_storage().read(row.storage_key)
    except StorageError:
        raise HTTPException(status_code=404) from None
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="quarantine-{row.id}.eml"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def _visible_row(request: Request, db: AsyncSession) -> QuarantinedMail:
    """The quarantined mail of the path if this staff member may see it; 404 otherwise."""
    row: QuarantinedMail | None = await db.scalar(
        _visible(request).where(QuarantinedMail.id == request.path_params["mail_id"])
    )
    if row is None:
        raise HTTPException(status_code=404)
    return row


async def attach(request: Request) -> Response:
    """``POST /console/quarantine/{id}/attach``: add the mail to the ticket typed (``reference``) of its tenant."""
    staff: Staff = request.state.staff
    reference = str((await request.form()).get("reference") or "")
    portal = get_portal()
    async with portal.database.session() as db:
        tenant_id = (await _visible_row(request, db)).tenant_id
    async with portal.database.session(tenant_id) as db:  # the ticket's writes need the tenant's session
        row = await _visible_row(request, db)
        try:
            ticket = await ticket_for(db, row, reference)
            await attach_to_ticket(db, row, ticket, staff, request=request)
        except ReleaseRefusedError as refused:
            await db.rollback()
            flash(request, str(refused), "error")
            return redirect(request, "/console/quarantine")
        key = row.storage_key
        await db.commit()
    await delete_raw(key)
    flash(request, _("The mail was added to ticket %(reference)s.", reference=ticket.reference), "success")
    return redirect(request, "/console/quarantine")


async def discard_mail(request: Request) -> Response:
    """``POST /console/quarantine/{id}/discard``: drop the mail and its raw message."""
    staff: Staff = request.state.staff
    async with get_portal().database.session() as db:
        row = await _visible_row(request, db)
        key = row.storage_key
        await discard(db, row, staff, request=request)
        await db.commit()
    await delete_raw(key)
    flash(request, _("The mail was discarded."), "success")
    return redirect(request, "/console/quarantine")
