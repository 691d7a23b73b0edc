"""The customer service's e-mail addresses are links (mailto) wherever a page or a document shows them."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from plugins.luminus_energy.settings import LuminusSettings

ADDRESSES = (LuminusSettings().contact_email, LuminusSettings().business_email)


class AddressFinder(HTMLParser):
    """Every contact address in the page's text, with whether it sits in a mailto link to itself."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str | None] = []
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            self.links.pop()

    def handle_data(self, data: str) -> None:
        for address in ADDRESSES:
            for _ in range(data.count(address)):
                self.found.append((address, bool(self.links) and self.links[-1] == f"mailto:{address}"))


def addresses_in(html: str) -> list[tuple[str, bool]]:
    finder = AddressFinder()
    finder.feed(html)
    return finder.found


PAGES = [
    "/luminus/advance",
    "/luminus/advance/change",
    "/luminus/invoices",
    "/luminus/invoices?tab=payments",
    "/luminus/payment-method",
    "/luminus/readings",
    "/luminus/statement",
    "/luminus/reminder-fees",
    "/luminus/moving",
]


@pytest.mark.parametrize("locale", ["fr_BE", "nl_BE"])
async def test_every_contact_address_on_the_pages_is_a_mailto_link(world, locale):
    customer, _contract = await world.customer(unpaid_last=True)
    client = await world.client(customer, locale=locale)
    shown = set()
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == 200, path
        found = addresses_in(response.text)
        assert all(linked for _address, linked in found), (path, found)
        shown.update(address for address, _linked in found)
    assert shown == set(ADDRESSES)  # both addresses appear somewhere, always as links


async def test_the_readings_warning_links_the_address_it_gives(world):
    from tests.plugins.luminus_energy.test_readings import post_index, setup

    customer, point, register = await setup(world)
    client = await world.client(customer)
    warned = await post_index(client, point, register, "90000")
    assert 'data-warning="implausible"' in warned.text
    found = addresses_in(warned.text[warned.text.index('data-warning="implausible"') :])
    assert found
    assert all(linked for _address, linked in found)
    assert 'href="tel:+3278155230"' in warned.text


def _mail_links(content: bytes) -> set[str]:
    links = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            uri = action.get("/URI")
            if uri and str(uri).startswith("mailto:"):
                links.add(str(uri))
    return links


async def test_the_documents_link_their_addresses(world, tenant_client):
    moving = await tenant_client("luminus").get("/luminus/moving/document.pdf")
    assert f"mailto:{LuminusSettings().business_email}" in _mail_links(moving.content)
    customer, _contract = await world.customer()
    client = await world.client(customer)
    invoice_id = int((await client.get("/luminus/invoices")).text.split('<tr id="invoice-', 1)[1].split('"', 1)[0])
    invoice = await client.get(f"/luminus/invoices/{invoice_id}/pdf")
    assert f"mailto:{LuminusSettings().contact_email}" in _mail_links(invoice.content)
