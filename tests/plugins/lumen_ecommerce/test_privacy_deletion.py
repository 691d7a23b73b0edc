"""Lumen in "Delete my account": the signed access requests stay as evidence (PDF and signer), the orders
stay with the company without the buyer; another user's rows and another tenant untouched."""

from __future__ import annotations

from sqlalchemy import select

from core.api import utcnow
from plugins.lumen_ecommerce.demo import DEMO_PASSWORD, create_demo_data
from plugins.lumen_ecommerce.models import LumenAccessRequest, LumenOrder
from tests.core.privacy.deletion_helpers import after_grace, ask_for_deletion

from .conftest import LUMEN, sign_in
from .test_privacy_export import SIGNED_PDF, _seed


async def test_the_signed_evidence_is_kept_and_the_orders_anonymised(
    portal, lumen, make_tenant, tenant_client, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    other = await make_tenant("lumen2", **LUMEN)
    async with portal.database.session(other.id) as db:
        await create_demo_data(other, db)
        await db.commit()
    email = await _seed(portal, lumen, "jbelanger", "JULIE", pdf=SIGNED_PDF)
    await _seed(portal, lumen, "mroy", "MARC")
    await _seed(portal, other, "jbelanger", "TWIN")
    client = tenant_client(lumen)
    await sign_in(client, "jbelanger")

    page = await client.get("/profile/delete")
    await ask_for_deletion(client, DEMO_PASSWORD)
    assert await after_grace(portal, time_machine) == 1

    assert "conservées comme preuve" in page.text
    async with portal.database.session(lumen.id) as db:
        requests = {r.reference: r for r in await db.scalars(select(LumenAccessRequest))}
        orders = {o.note or o.buyer_name or "anonymous": o for o in await db.scalars(select(LumenOrder))}
    evidence = requests["REQ-JULIE"]
    assert (evidence.pdf, evidence.signer_name, evidence.signer_email) == (SIGNED_PDF, "Signer JULIE", email)
    assert "Note JULIE" not in orders
    assert orders["anonymous"].user_id is None
    assert orders["Note MARC"].user_id is not None
    async with portal.database.session(other.id) as db:
        twin = await db.scalar(select(LumenOrder).where(LumenOrder.note == "Note TWIN"))
    assert twin is not None
    assert twin.buyer_name
