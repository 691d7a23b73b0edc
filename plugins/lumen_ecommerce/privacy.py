"""The user's Lumen data for their export (the access requests they signed or sent, with the signed PDF
kept as evidence, and the orders they placed) and the rules of their account's deletion: the signed
evidence (the PDF and the signer's data) is kept, the orders lose the buyer's name and note."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.api import DeletionRule, ExportFile, ExportPart, Tenant, User, gettext
from plugins.lumen_ecommerce.models import LumenAccessRequest, LumenOrder, LumenOrderLine


async def _access_requests(db: AsyncSession, user: User) -> tuple[list[dict[str, Any]], list[ExportFile]]:
    """Requests the user sent signed in, or signed with their address before they had an access."""
    rows = await db.scalars(
        select(LumenAccessRequest)
        .where(
            or_(
                LumenAccessRequest.submitted_by == user.id,
                func.lower(LumenAccessRequest.signer_email) == user.email.lower(),
            )
        )
        .order_by(LumenAccessRequest.signed_at, LumenAccessRequest.id)
    )
    data, files = [], []
    for row in rows:
        pdf = f"lumen-{row.reference}.pdf" if row.pdf else ""
        if row.pdf:  # the PDF made when it was signed: its evidence, never rendered again
            files.append(ExportFile(pdf, "application/pdf", row.pdf))
        data.append(
            {
                "reference": row.reference,
                "action": row.action,
                "customer_number": row.customer_number,
                "company": row.company,
                "content": row.content,
                "content_hash": row.content_hash,
                "signer_name": row.signer_name,
                "signer_email": row.signer_email,
                "signature_typed": row.signature_typed,
                "signed_at": row.signed_at,
                "ip": row.ip,
                "user_agent": row.user_agent,
                "locale": row.locale,
                "status": row.status,
                "reason": row.reason,
                "decided_at": row.decided_at,
                "pdf": pdf,
            }
        )
    return data, files


async def _orders(db: AsyncSession, user: User) -> list[dict[str, Any]]:
    """The orders the user placed, with their lines."""
    orders = list(await db.scalars(select(LumenOrder).where(LumenOrder.user_id == user.id).order_by(LumenOrder.id)))
    lines = await db.scalars(
        select(LumenOrderLine)
        .where(LumenOrderLine.order_id.in_([order.id for order in orders]))
        .order_by(LumenOrderLine.id)
    )
    by_order: dict[int, list[dict[str, Any]]] = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(
            {"sku": line.sku, "name": line.name, "quantity": line.quantity, "unit_price": line.unit_price}
        )
    return [
        {
            "number": order.id,
            "status": order.status,
            "buyer_name": order.buyer_name,
            "total": order.total,
            "note": order.note,
            "reason": order.reason,
            "created_at": order.created_at,
            "decided_at": order.decided_at,
            "lines": by_order.get(order.id, []),
        }
        for order in orders
    ]


async def export_user_data(tenant: Tenant, user: User, db: AsyncSession) -> list[ExportPart]:
    """Two parts: ``access_requests`` (with their signed PDFs) and ``orders``."""
    requests, pdfs = await _access_requests(db, user)
    parts = [ExportPart("access_requests", requests, tuple(pdfs))] if requests else []
    orders = await _orders(db, user)
    return [*parts, ExportPart("orders", orders)] if orders else parts


async def _erase(db: AsyncSession, user: User) -> dict[str, int]:
    """Orders stay with the company's account, without the buyer; the signed requests stay as signed."""
    orders = await db.execute(
        update(LumenOrder).where(LumenOrder.user_id == user.id).values(user_id=None, buyer_name="", note="")
    )
    evidence = await db.scalar(
        select(func.count(LumenAccessRequest.id)).where(
            or_(
                LumenAccessRequest.submitted_by == user.id,
                func.lower(LumenAccessRequest.signer_email) == user.email.lower(),
            )
        )
    )
    return {"orders_anonymised": int(getattr(orders, "rowcount", 0) or 0), "signed_requests_kept": evidence or 0}


def deletion_rule(tenant: Tenant, user: User, db: AsyncSession) -> DeletionRule:
    """Never refused: the signed access requests are kept as evidence, the orders are anonymised."""

    async def erase() -> dict[str, int]:
        return await _erase(db, user)

    return DeletionRule(
        keeps=(
            gettext(
                "The access requests you signed are kept as evidence: the signed PDF, your name, "
                "your e-mail address and the signature's details."
            ),
        ),
        removes=(
            gettext("Your name and notes are removed from the orders you placed; the orders stay with your company."),
        ),
        erase=erase,
    )
