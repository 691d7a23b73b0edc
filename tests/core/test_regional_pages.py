"""The four portals in their own French: Québec's in fr_CA, Belgium's in fr_BE, Europe's in fr, typeset for each."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from core.i18n.middleware import LOCALE_COOKIE
from core.i18n.regional import QUEBEC_ONLY
from core.tenancy.models import Tenant
from core.testing import csrf_of
from core.ticketing.forms import FIELD_PREFIX

PORTALS: dict[str, dict[str, Any]] = {
    "luminus": {
        "plugins": ["luminus_energy"],
        "theme": "luminus",
        "locales": ["fr_BE", "nl_BE"],
        "default_locale": "fr_BE",
        "timezone": "Europe/Brussels",
        "country": "BE",
    },
    "omicron": {"plugins": ["omicron_registration"], "theme": "omicron", "locales": ["en", "de", "fr"]},
    "lumen": {
        "plugins": ["lumen_ecommerce"],
        "theme": "lumen",
        "locales": ["fr_CA", "en_CA"],
        "default_locale": "fr_CA",
        "timezone": "America/Montreal",
        "ticket_prefix": "LUM",
    },
    "videotron": {
        "plugins": ["videotron_business"],
        "theme": "videotron",
        "locales": ["fr_CA", "en_CA"],
        "default_locale": "fr_CA",
        "timezone": "America/Montreal",
    },
}
FRENCH = {"luminus": "fr_BE", "omicron": "fr", "lumen": "fr_CA", "videotron": "fr_CA"}
PAGES = ("/", "/login", "/register", "/password/forgot", "/support")


class _VisibleText(HTMLParser):
    """The text a person reads: no tags, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


async def portal_client(
    slug: str, locale: str, make_tenant: Callable[..., Awaitable[Tenant]], tenant_client: Any
) -> tuple[Tenant, httpx.AsyncClient]:
    tenant = await make_tenant(slug, name=slug.capitalize(), **PORTALS[slug])
    client = tenant_client(tenant)
    client.cookies.set(LOCALE_COOKIE, locale)
    return tenant, client


async def pages_text(client: httpx.AsyncClient) -> dict[str, str]:
    texts = {}
    for path in PAGES:
        response = await client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        texts[path] = visible(response.text)
    return texts


@pytest.mark.parametrize(("slug", "address"), [("luminus", "adresse e-mail"), ("omicron", "adresse électronique")])
async def test_belgian_and_european_portals_never_say_courriel(slug, address, make_tenant, tenant_client):
    _tenant, client = await portal_client(slug, FRENCH[slug], make_tenant, tenant_client)
    texts = await pages_text(client)
    for path, text in texts.items():
        assert not QUEBEC_ONLY.search(text), (path, QUEBEC_ONLY.findall(text))
    assert address in texts["/password/forgot"].lower()


@pytest.mark.parametrize("slug", ["lumen", "videotron"])
async def test_quebec_portals_say_courriel(slug, make_tenant, tenant_client):
    _tenant, client = await portal_client(slug, "fr_CA", make_tenant, tenant_client)
    texts = await pages_text(client)
    assert "courriel" in texts["/password/forgot"].lower()


@pytest.mark.parametrize(("slug", "locale"), [("luminus", "fr_BE"), ("omicron", "fr")])
async def test_no_french_translation_read_outside_quebec_has_a_quebec_word(slug, locale, make_tenant, portal):
    """Every message a page or a mail of the portal can show, not only those of the pages above."""
    tenant = await make_tenant(slug, name=slug.capitalize(), **PORTALS[slug])
    translations = portal.translations(tenant, locale)
    quebec = [text for key, text in translations._catalog.items() if key and QUEBEC_ONLY.search(text)]
    assert quebec == []


@pytest.mark.parametrize("slug", ["luminus", "omicron", "lumen", "videotron"])
async def test_french_sets_a_no_break_space_before_a_colon(slug, make_tenant, tenant_client):
    _tenant, client = await portal_client(slug, FRENCH[slug], make_tenant, tenant_client)
    texts = await pages_text(client)
    for path, text in texts.items():
        assert not re.search(r"\w[ \u202f]?:(\s|$)", text), (path, re.findall(r".{20}\w[ \u202f]?:(?:\s|$)", text))
    if slug != "videotron":  # Vidéotron's footer names its customer service instead
        assert "Téléphone\xa0: " in texts["/"]


async def test_english_keeps_its_colon(make_tenant, tenant_client):
    _tenant, client = await portal_client("lumen", "en_CA", make_tenant, tenant_client)
    home = visible((await client.get("/")).text)
    assert "Phone: " in home
    assert "E-mail: " in home


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("omicron", "Mot de passe oublié\u202f?"),
        ("luminus", "Mot de passe oublié\u202f?"),
        ("lumen", "Mot de passe oublié?"),
    ],
)
async def test_question_marks_follow_the_country(slug, expected, make_tenant, tenant_client):
    """European French sets a narrow no-break space before ? ! ; — Québec French none."""
    _tenant, client = await portal_client(slug, FRENCH[slug], make_tenant, tenant_client)
    login = visible((await client.get("/login", follow_redirects=True)).text)
    assert expected in login
    if slug == "lumen":
        assert not re.search(r"[ \xa0\u202f][?!;]", login)
    else:
        assert not re.search(r"(\w|[ \xa0])[?!;](\s|$)", login)


async def test_luminus_counts_overdue_invoices_in_french(make_tenant, portal):
    tenant = await make_tenant("luminus", name="Luminus", **PORTALS["luminus"])
    french = portal.translations(tenant, "fr_BE")
    forms = ("%(num)d overdue invoice", "%(num)d overdue invoices")
    assert [french.ngettext(*forms, n) % {"num": n} for n in (0, 1, 2)] == [
        "0 facture en retard",
        "1 facture en retard",
        "2 factures en retard",
    ]


@pytest.mark.parametrize(
    ("locale", "expected", "unexpected"),
    [
        ("en_CA", r"by \w{3} \d+, 2026, \d+:\d\d\u202f[ap]\.m\.$", r"[ap]\.m\.\.|\d:\d\d:\d\d"),
        ("fr_CA", r"\d+ h \d\d\.", r"min|\d+ s\b"),
    ],
)
async def test_the_answer_time_has_no_seconds_and_one_period(
    locale, expected, unexpected, make_tenant, tenant_client, time_machine
):
    time_machine.move_to(datetime(2026, 11, 23, 15, 0, tzinfo=UTC), tick=False)  # a Monday, 10:00 in Montréal
    _tenant, client = await portal_client("lumen", locale, make_tenant, tenant_client)
    page = await client.get("/support/new/integrations")
    data = {
        "csrf_token": csrf_of(page.text),
        "name": "Paul Ouellet",
        "email": "paul@ouellet.example",
        "subject": "Maestro export fails",
        f"{FIELD_PREFIX}phone": "418 555-0142",
        f"{FIELD_PREFIX}customer_number": "100234",
        f"{FIELD_PREFIX}eleknet_username": "pouellet",
        "description": "The nightly export stops.",
    }
    response = await client.post("/support/new/integrations", data=data, follow_redirects=True)
    assert response.status_code == 200, response.text[:2000]
    sentence = next(
        line.strip()
        for line in visible(response.text).splitlines()
        if "answer within" in line or "Nous vous répondrons" in line
    )
    assert re.search(expected, sentence), sentence
    assert not re.search(unexpected, sentence), sentence
