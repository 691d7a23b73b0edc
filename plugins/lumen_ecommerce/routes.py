"""The plugin's pages: the access request on the tenant's root (``/register``), the rest under ``/lumen``,
and the signed requests' PDF on the operator host."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from core.api import RootRoute
from plugins.lumen_ecommerce import cart, catalogue, orders, registration


def routes() -> list[BaseRoute]:
    """Every page of the plugin on its tenant."""
    return [
        RootRoute("/register", registration.register, methods=["GET", "POST"], name="lumen_register"),
        RootRoute("/register/done", registration.register_done, name="lumen_register_done"),
        Route("/requests", registration.requests_list, name="lumen_requests"),
        Route("/requests/{request_id:id}/pdf", registration.request_pdf, name="lumen_request_pdf"),
        Route("/catalogue", catalogue.catalogue, name="lumen_catalogue"),
        Route("/cart", cart.cart_page, methods=["GET", "POST"], name="lumen_cart"),
        Route("/cart/add", cart.cart_add, methods=["POST"], name="lumen_cart_add"),
        Route("/cart/checkout", cart.checkout, methods=["POST"], name="lumen_checkout"),
        Route("/orders", orders.orders, name="lumen_orders"),
        Route("/orders/{order_id:id}", orders.order_detail, name="lumen_order"),
        Route("/orders/{order_id:id}/decide", orders.order_decide, methods=["POST"], name="lumen_order_decide"),
    ]


def operator_routes() -> list[BaseRoute]:
    """The plugin's pages on the operator host."""
    return [
        Route(
            "/lumen/requests/{tenant_slug}/{request_id:id}/pdf",
            registration.operator_request_pdf,
            name="lumen_operator_request_pdf",
        )
    ]
