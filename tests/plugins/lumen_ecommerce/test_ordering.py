"""The three permissions have server-side effects: order, order for approval, prices only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.testing import mail_text
from plugins.lumen_ecommerce.models import LumenOrder

from .conftest import page_csrf, sign_in

EN = {"Accept-Language": "en-CA"}


@pytest.fixture
async def make_client(lumen, tenant_client):
    async def make(login: str):
        client = tenant_client(lumen)
        client.headers.update(EN)
        await sign_in(client, login)
        await client.get("/locale/en_CA?next=/")  # the demo users prefer French
        return client

    return make


async def add_to_cart(client, sku: str = "LUM-20010", quantity: str = "3"):
    csrf = await page_csrf(client, "/lumen/catalogue")
    return await client.post("/lumen/cart/add", data={"csrf_token": csrf, "sku": sku, "quantity": quantity})


async def checkout(client):
    csrf = await page_csrf(client, "/lumen/cart")
    return await client.post("/lumen/cart/checkout", data={"csrf_token": csrf, "note": "PO-778"})


async def test_catalogue_needs_a_signed_in_member(lumen, tenant_client):
    response = await tenant_client(lumen).get("/lumen/catalogue")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


async def test_units_are_in_the_readers_language(make_client):
    import re

    client = await make_client("stremblay")
    english = (await client.get("/lumen/catalogue")).text
    units = set(re.findall(r'<span class="muted">/ ([^<]+)</span>', english))
    assert units == {"roll", "unit", "box", "pack"}
    await client.get("/locale/fr_CA?next=/")
    french = (await client.get("/lumen/catalogue")).text
    assert set(re.findall(r'<span class="muted">/ ([^<]+)</span>', french)) == {"rouleau", "unité", "boîte", "paquet"}


def test_units_given_as_words_or_codes_are_understood():
    from plugins.lumen_ecommerce.units import unit_code, unit_label

    assert [unit_code(word) for word in ("Rouleau", "BOÎTE", "unité", "pack", "m")] == [
        "roll",
        "box",
        "unit",
        "pack",
        None,
    ]
    assert unit_label("rouleau") == "roll"  # a row written before the codes still reads in English
    assert unit_label("m") == "m"


async def test_prices_are_formatted_for_the_locale(make_client):
    client = await make_client("stremblay")
    english = (await client.get("/lumen/catalogue?q=panneau")).text
    assert "$389.00" in english
    assert "200 A panel, 40 circuits" in english
    await client.get("/locale/fr_CA?next=/")
    french = (await client.get("/lumen/catalogue?q=panneau")).text
    assert "389,00" in french
    assert "Panneau 200 A, 40 circuits" in french
    assert "LUM-60001" not in french  # the search filters


async def test_prices_only_user_cannot_order_in_the_ui_or_by_direct_post(make_client, portal, lumen):
    client = await make_client("stremblay")
    page = (await client.get("/lumen/catalogue")).text
    assert "Add to cart" not in page
    assert "cannot place orders" in page
    assert (await add_to_cart(client)).status_code == 403
    csrf = await page_csrf(client, "/lumen/catalogue")
    assert (await client.post("/lumen/cart/checkout", data={"csrf_token": csrf})).status_code == 403
    assert (await client.get("/lumen/cart")).status_code == 403
    async with portal.database.session(lumen.id) as db:
        assert await db.scalar(select(LumenOrder)) is None


async def test_direct_buyer_places_an_order(make_client, portal, lumen):
    client = await make_client("jbelanger")
    assert (await add_to_cart(client)).status_code == 303
    cart = (await client.get("/lumen/cart")).text
    assert "$37.47" in cart  # 3 × 12.49
    response = await checkout(client)
    assert response.status_code == 303
    order_page = await client.get(response.headers["location"])
    assert "Placed" in order_page.text
    async with portal.database.session(lumen.id) as db:
        order = await db.scalar(select(LumenOrder))
    assert order is not None
    assert order.status == "placed"
    assert str(order.total) == "37.47"
    assert order.note == "PO-778"


async def test_order_for_approval_waits_and_the_administrator_approves_it(make_client, portal, lumen, mailbox):
    buyer = await make_client("mroy")
    await add_to_cart(buyer, "LUM-30100", "1")
    response = await checkout(buyer)
    assert response.status_code == 303
    order_path = response.headers["location"]
    page = (await buyer.get(order_path)).text
    assert "Waiting for approval" in page
    assert "Approve the order" not in page  # the buyer cannot decide
    order_id = int(order_path.rsplit("/", 1)[1])
    csrf = await page_csrf(buyer, order_path)
    refused = await buyer.post(f"/lumen/orders/{order_id}/decide", data={"csrf_token": csrf, "decision": "approve"})
    assert refused.status_code == 403
    # Mails go out in each recipient's language (the demo users prefer French).
    assert "attend votre approbation" in str((await mailbox.last("julie.belanger@example.com"))["Subject"])

    admin = await make_client("jbelanger")
    page = (await admin.get(order_path)).text
    assert "Approve the order" in page
    csrf = await page_csrf(admin, order_path)
    decided = await admin.post(
        f"/lumen/orders/{order_id}/decide", data={"csrf_token": csrf, "decision": "approve", "reason": "OK for site B"}
    )
    assert decided.status_code == 303
    async with portal.database.session(lumen.id) as db:
        order = await db.get(LumenOrder, order_id)
    assert order is not None
    assert order.status == "placed"
    text = mail_text(await mailbox.last("marc.roy@example.com"))
    assert "a été approuvée" in text
    assert "OK for site B" in text
    history = (await buyer.get("/lumen/orders")).text
    assert f"Order {order_id}" in history


async def test_administrator_rejects_an_order_with_a_reason(make_client, portal, lumen, mailbox):
    buyer = await make_client("mroy")
    await add_to_cart(buyer)
    order_path = (await checkout(buyer)).headers["location"]
    order_id = int(order_path.rsplit("/", 1)[1])
    admin = await make_client("jbelanger")
    csrf = await page_csrf(admin, order_path)
    await admin.post(
        f"/lumen/orders/{order_id}/decide", data={"csrf_token": csrf, "decision": "reject", "reason": "Wrong branch"}
    )
    async with portal.database.session(lumen.id) as db:
        order = await db.get(LumenOrder, order_id)
    assert order is not None
    assert order.status == "rejected"
    assert "Wrong branch" in mail_text(await mailbox.last("marc.roy@example.com"))


async def test_orders_of_another_account_are_invisible(make_client, portal, lumen):
    from core.api import Account
    from plugins.lumen_ecommerce.models import LumenOrder as Order

    async with portal.database.session(lumen.id) as db:
        other = Account(number="100234", name="Other")
        db.add(other)
        await db.flush()
        db.add(Order(account_id=other.id, buyer_name="Someone", status="pending_approval"))
        await db.commit()
        order_id = await db.scalar(select(Order.id))
    admin = await make_client("jbelanger")
    assert (await admin.get(f"/lumen/orders/{order_id}")).status_code == 404
    csrf = await page_csrf(admin, "/lumen/orders")
    response = await admin.post(f"/lumen/orders/{order_id}/decide", data={"csrf_token": csrf, "decision": "approve"})
    assert response.status_code == 404


async def test_lumen_pages_do_not_exist_on_another_tenant(make_tenant, tenant_client, lumen):
    await make_tenant("acme")
    client = tenant_client("acme")
    assert (await client.get("/lumen/catalogue")).status_code == 404
    assert (await client.get("/lumen/requests/1/pdf")).status_code == 404


async def test_the_order_history_comes_a_page_at_a_time(make_client, lumen, portal):
    import re
    from decimal import Decimal

    from plugins.lumen_ecommerce.orders import ORDERS_PER_PAGE

    client = await make_client("jbelanger")
    async with portal.database.session(lumen.id) as db:
        account_id = await _account_of(db, "jbelanger")
        before = set(await db.scalars(select(LumenOrder.id).where(LumenOrder.account_id == account_id)))
        db.add_all(
            LumenOrder(account_id=account_id, buyer_name="Bulk", total=Decimal("1.00"))
            for _ in range(ORDERS_PER_PAGE + 2)
        )
        await db.commit()
        ids = sorted(
            set(await db.scalars(select(LumenOrder.id).where(LumenOrder.account_id == account_id))), reverse=True
        )
    assert len(ids) == len(before) + ORDERS_PER_PAGE + 2

    def shown(html: str) -> list[int]:
        return [int(n) for n in re.findall(r'href="/lumen/orders/(\d+)"', html)]

    first = (await client.get("/lumen/orders")).text
    assert shown(first) == ids[:ORDERS_PER_PAGE]
    older = re.search(r'href="(/lumen/orders\?before=\d+)" rel="next"', first)
    assert older is not None
    second = (await client.get(older.group(1))).text
    assert shown(second) == ids[ORDERS_PER_PAGE : 2 * ORDERS_PER_PAGE]
    assert 'href="/lumen/orders">Most recent' in second


async def _account_of(db, username: str) -> int:
    from core.api import Membership, User

    return await db.scalar(
        select(Membership.account_id).join(User, User.id == Membership.user_id).where(User.username == username)
    )
