"""The tenant's router finds paths by route name exactly as Starlette's own router does."""

from __future__ import annotations

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, NoMatchFound, Route, Router

from core.web.routing import IndexedRouter


def _page(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


ROUTES = [
    Route("/invoices", _page, name="invoices"),
    Route("/invoices/{invoice_id:int}", _page, name="invoice"),
    Route("/duplicate", _page, name="twice"),
    Route("/duplicate/{key}", _page, name="twice"),
    Mount("/shop", routes=[Route("/cart", _page, name="cart")], name="shop"),
]


@pytest.mark.parametrize(
    ("name", "params"),
    [("invoices", {}), ("invoice", {"invoice_id": 7}), ("twice", {}), ("twice", {"key": "a"}), ("shop:cart", {})],
)
def test_same_paths_as_starlette(name: str, params: dict[str, object]) -> None:
    indexed = IndexedRouter(ROUTES)
    plain = Router(routes=ROUTES)
    for _ in range(2):  # the second call answers from the router's memory of fixed paths
        assert indexed.url_path_for(name, **params) == plain.url_path_for(name, **params)


def test_unknown_names_and_wrong_parameters_are_refused() -> None:
    indexed = IndexedRouter(ROUTES)
    with pytest.raises(NoMatchFound):
        indexed.url_path_for("nowhere")
    with pytest.raises(NoMatchFound):
        indexed.url_path_for("invoices", invoice_id=3)
    with pytest.raises(NoMatchFound):
        indexed.url_path_for("invoice")
