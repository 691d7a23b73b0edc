"""Luminus moved under another ``url_prefix``: every page, link, form and redirect follows."""

from __future__ import annotations

import re

import pytest

import plugins.luminus_energy as luminus_energy
from tests.plugins.luminus_energy.helpers import csrf_of

PAGES = ("advance", "advance/change", "invoices", "payment-method", "readings", "statement", "reminder-fees", "moving")


@pytest.fixture(autouse=True)
def moved(monkeypatch):
    """The plugin declares ``/energie`` instead of ``/luminus`` (read when the app is built)."""
    monkeypatch.setattr(luminus_energy, "PREFIX", "/energie")


def hand_built(html: str) -> list[str]:
    """Links and form targets that still point at the old prefix."""
    return re.findall(r'(?:href|action)="(?:/t/[^/"]+)?/luminus/[^"]*"', html)


async def test_every_page_is_served_under_the_new_prefix_and_links_inside_it(world):
    customer, _ = await world.customer(unpaid_last=True)
    client = await world.client(customer)
    home = await client.get("/")
    assert 'href="/energie/advance"' in home.text
    assert hand_built(home.text) == []
    for page in PAGES:
        response = await client.get(f"/energie/{page}")
        assert response.status_code == 200, page
        assert hand_built(response.text) == [], page
        assert (await client.get(f"/luminus/{page}")).status_code == 404, page
    invoices = await client.get("/energie/invoices")
    assert re.search(r'href="/energie/invoices/\d+/pdf"', invoices.text)


async def test_redirects_go_to_the_new_prefix(world):
    customer, _ = await world.customer()
    client = await world.client(customer)
    page = await client.get("/energie/payment-method")
    response = await client.post(
        "/energie/payment-method/e-invoice",
        data={"csrf_token": csrf_of(page.text), "e_invoice": "y", "email": "factures@client.be"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/energie/payment-method"
