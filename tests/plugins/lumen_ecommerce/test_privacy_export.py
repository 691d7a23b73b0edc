"""Lumen in the customer's data export: the signed access requests with their PDFs and the orders placed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.api import Account, find_user_by_username, utcnow
from plugins.lumen_ecommerce.demo import create_demo_data
from plugins.lumen_ecommerce.models import LumenAccessRequest, LumenOrder, LumenOrderLine
from tests.core.privacy.export_helpers import all_text, ask_for_export, entry_json, export_link, unzip

from .conftest import LUMEN, sign_in

SIGNED_PDF = b"%PDF-1.4\n% the signed request of Julie\n"


async def _seed(portal, tenant, username: str, tag: str, *, pdf: bytes = b"%PDF-1.4\n") -> str:
    """An access request the user sent and an order they placed, both marked with ``tag``."""
    async with portal.database.session(tenant.id) as db:
        user = await find_user_by_username(db, username)
        assert user is not None
        db.add(
            LumenAccessRequest(
                reference=f"REQ-{tag}",
                action="create",
                customer_number="100300",
                company=f"Company {tag}",
                content_hash="0" * 64,
                signer_name=f"Signer {tag}",
                signer_email=user.email,
                submitted_by=user.id,
                pdf=pdf,
            )
        )
        account_id = await db.scalar(select(Account.id).where(Account.number == "100300"))
        assert account_id is not None
        order = LumenOrder(account_id=account_id, user_id=user.id, buyer_name=user.full_name, note=f"Note {tag}")
        db.add(order)
        await db.flush()
        db.add(LumenOrderLine(order_id=order.id, sku=f"SKU-{tag}", name="Câble", quantity=2, unit_price=Decimal("9.5")))
        await db.commit()
        return user.email


async def test_the_export_holds_my_requests_pdfs_and_orders_and_nothing_else(
    portal, lumen, make_tenant, tenant_client, mailbox
):
    other = await make_tenant("lumen2", **LUMEN)
    async with portal.database.session(other.id) as db:
        await create_demo_data(other, db)
        await db.commit()
    email = await _seed(portal, lumen, "jbelanger", "JULIE", pdf=SIGNED_PDF)
    await _seed(portal, lumen, "mroy", "MARC")  # the same account, another user
    await _seed(portal, other, "jbelanger", "TWIN")  # the same username on another tenant
    client = tenant_client(lumen)
    await sign_in(client, "jbelanger")

    await ask_for_export(client)
    entries = unzip(await client.get(await export_link(portal, mailbox, email)))

    [request] = entry_json(entries, "lumen_ecommerce/access_requests.json")
    assert request["reference"] == "REQ-JULIE"
    assert entries[f"lumen_ecommerce/access_requests/{request['pdf']}"] == SIGNED_PDF
    [order] = entry_json(entries, "lumen_ecommerce/orders.json")
    assert order["note"] == "Note JULIE"
    assert order["lines"][0]["sku"] == "SKU-JULIE"
    text = all_text(entries)
    for foreign in ("MARC", "TWIN", "marc.roy@example.com"):
        assert foreign not in text


async def test_the_lumen_link_is_single_use_mine_only_and_expires(portal, lumen, tenant_client, mailbox, time_machine):
    email = await _seed(portal, lumen, "jbelanger", "JULIE")
    client = tenant_client(lumen)
    await sign_in(client, "jbelanger")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, email)
    marc = tenant_client(lumen)
    await sign_in(marc, "mroy")
    assert (await marc.get(link)).status_code == 404
    assert unzip(await client.get(link))
    assert (await client.get(link)).status_code == 410

    time_machine.move_to(utcnow() + timedelta(days=1, minutes=1), tick=False)
    await sign_in(client, "jbelanger")
    await ask_for_export(client)
    link = await export_link(portal, mailbox, email)
    time_machine.shift(timedelta(days=7, minutes=1))
    await sign_in(client, "jbelanger")
    assert (await client.get(link)).status_code == 410


async def test_one_lumen_export_at_a_time(lumen, tenant_client):
    client = tenant_client(lumen)
    await sign_in(client, "jbelanger")
    await ask_for_export(client)
    page = await client.get((await ask_for_export(client)).headers["location"])
    assert "encore en préparation" in page.text
