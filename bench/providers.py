"""The signed-in pages of each shipped provider the bench drives, and the demo portals they are served from.

Each provider's portal is created as ``portique demo`` creates it (the plugin's ``demo_tenant``, its demo
data), and a session is stored for the demo customer the page is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.api import find_user_by_email, find_user_by_username, resolve
from core.portal import Portal
from core.tenancy.service import create_tenant


@dataclass(frozen=True)
class ProviderPortal:
    """A provider's demo portal and the demo customer signed in on it."""

    plugin: str
    login: str  # the demo account's e-mail or username

    @property
    def slug(self) -> str:
        """The portal's slug: the plugin's ``demo_tenant``."""
        return PROVIDER_SLUGS[self.plugin]


@dataclass(frozen=True)
class ProviderPage:
    """A signed-in page of a provider: a bench row's name, the page, and a text it must show."""

    key: str
    scenario: str
    portal: ProviderPortal
    path: str
    shows: str


PROVIDER_SLUGS = {
    "lumen_ecommerce": "lumen",
    "videotron_business": "videotron",
    "omicron_registration": "omicron",
    "luminus_energy": "luminus",
}
LUMEN = ProviderPortal("lumen_ecommerce", "jbelanger")
VIDEOTRON = ProviderPortal("videotron_business", "marie.tremblay")
OMICRON = ProviderPortal("omicron_registration", "aberger")
LUMINUS = ProviderPortal("luminus_energy", "pme@boulangerie-dupont.be")
PORTALS = (LUMEN, VIDEOTRON, OMICRON, LUMINUS)

PROVIDER_PAGES = (
    ProviderPage("lumen-catalogue", "Lumen catalogue", LUMEN, "/lumen/catalogue", "/lumen/cart/add"),
    ProviderPage("lumen-orders", "Lumen orders", LUMEN, "/lumen/orders", "/lumen/catalogue"),
    ProviderPage("videotron-users", "Vidéotron users", VIDEOTRON, "/videotron/users", "/videotron/users/add"),
    ProviderPage("omicron-devices", "OMICRON devices", OMICRON, "/omicron/devices", "CPC"),
    ProviderPage("omicron-library", "OMICRON library", OMICRON, "/omicron/library", "/omicron/library/"),
    ProviderPage("invoices", "Luminus invoices", LUMINUS, "/luminus/invoices", "/pdf"),
    ProviderPage("luminus-advance", "Luminus advance", LUMINUS, "/luminus/advance", "/luminus/advance/change"),
    ProviderPage("luminus-readings", "Luminus readings", LUMINUS, "/luminus/readings", "/luminus/readings/"),
)
"""Every signed-in provider page the bench measures (issue goals: at most 3 ms of CPU each)."""


def cookie_in(seed: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The session cookie the seed keeps under ``keys`` (``("providers", plugin)``); no keys: signed out."""
    value: Any = seed
    for key in keys:
        value = value[key]
    return str(value) if keys else None


async def seed_provider_portal(portal: Portal, provider: ProviderPortal) -> tuple[int, int]:
    """Create the provider's demo portal with its demo data; (tenant id, id of the demo customer)."""
    info = portal.plugins.infos[provider.plugin]
    demo = dict(info.demo_tenant or {})
    async with portal.database.session() as db:
        tenant = await create_tenant(db, portal.plugins, plugins=[provider.plugin], **demo)
        await db.commit()
    async with portal.database.session(tenant.id) as db:
        await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=db))
        await db.commit()
        find = find_user_by_email if "@" in provider.login else find_user_by_username
        user = await find(db, provider.login)
    assert user is not None, f"no demo account {provider.login} on {provider.slug}"
    return tenant.id, user.id
