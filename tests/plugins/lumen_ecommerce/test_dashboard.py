"""The signed-in home shows the e-commerce account; the visitor home speaks about the access request."""

from __future__ import annotations

from .conftest import page_csrf, sign_in


async def test_visitor_home_invites_to_request_access(lumen, tenant_client):
    html = (await tenant_client(lumen).get("/")).text
    assert "Inscrivez-vous à notre solution de commerce électronique" in html
    assert "numéro de client Lumen" in html


async def test_administrator_dashboard_counts_orders_waiting(lumen, tenant_client):
    buyer = tenant_client(lumen)
    await sign_in(buyer, "mroy")
    csrf = await page_csrf(buyer, "/lumen/catalogue")
    await buyer.post("/lumen/cart/add", data={"csrf_token": csrf, "sku": "LUM-20010", "quantity": "2"})
    csrf = await page_csrf(buyer, "/lumen/cart")
    await buyer.post("/lumen/cart/checkout", data={"csrf_token": csrf})
    buyer_home = (await buyer.get("/")).text
    assert "Placer une commande pour approbation" in buyer_home
    assert "attend votre approbation" not in buyer_home
    admin = tenant_client(lumen)
    await sign_in(admin, "jbelanger")
    home = (await admin.get("/")).text
    assert "Électricité Bélanger" in home
    assert "1 commande attend votre approbation" in home


async def test_french_counts_no_order_in_the_singular(lumen, tenant_client):
    """French treats 0 as singular: « 0 commande attend », never « 0 commandes attendent »."""
    admin = tenant_client(lumen)
    await sign_in(admin, "jbelanger")
    home = (await admin.get("/")).text
    assert "0 commande attend votre approbation" in home
