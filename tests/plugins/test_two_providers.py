"""A tenant that enables two provider plugins: each plugin is served by its own back-office service."""

from __future__ import annotations

from core.api import service
from core.testing import csrf_of
from plugins.lumen_ecommerce.backend import CustomerRegistry, LocalCustomerRegistry
from plugins.lumen_ecommerce.demo import DEMO_PASSWORD as LUMEN_PASSWORD
from plugins.lumen_ecommerce.demo import create_demo_data as lumen_demo
from plugins.luminus_energy.backend import LocalBackend as LuminusLocal
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.demo import DEMO_PASSWORD as LUMINUS_PASSWORD
from plugins.luminus_energy.demo import create_demo_data as luminus_demo
from plugins.omicron_registration.backend import LocalBackend as OmicronLocal
from plugins.omicron_registration.backend import OmicronBackend
from plugins.omicron_registration.demo import DEMO_PASSWORD as OMICRON_PASSWORD
from plugins.omicron_registration.demo import create_demo_data as omicron_demo
from plugins.videotron_business.backend import LocalBackend as VideotronLocal
from plugins.videotron_business.backend import VideotronBackend
from plugins.videotron_business.demo import DEMO_PASSWORD as VIDEOTRON_PASSWORD
from plugins.videotron_business.demo import create_demo_data as videotron_demo


async def _sign_in(client, login: str, password: str) -> None:
    page = await client.get("/login")
    response = await client.post(
        "/login", data={"csrf_token": csrf_of(page.text), "login": login, "password": password}
    )
    assert response.status_code == 303, response.text[:1000]


async def test_lumen_and_videotron_on_one_tenant_each_get_their_own_backend(
    portal, make_tenant, tenant_client, mailbox
):
    tenant = await make_tenant(
        "both", plugins=["lumen_ecommerce", "videotron_business"], locales=["en_CA", "fr_CA"], default_locale="en_CA"
    )
    assert isinstance(service(tenant, CustomerRegistry), LocalCustomerRegistry)
    assert isinstance(service(tenant, VideotronBackend), VideotronLocal)
    async with portal.database.session(tenant.id) as db:
        await lumen_demo(tenant, db)
        await videotron_demo(db)
        await db.commit()

    lumen = tenant_client(tenant)
    await _sign_in(lumen, "jbelanger", LUMEN_PASSWORD)
    catalogue = await lumen.get("/lumen/catalogue")
    assert catalogue.status_code == 200, catalogue.text[:1000]
    assert "/lumen/cart/add" in catalogue.text  # the products of Lumen's registry are listed

    videotron = tenant_client(tenant)
    activation = await videotron.get("/videotron/activation")
    response = await videotron.post(
        "/videotron/activation",
        data={"csrf_token": csrf_of(activation.text), "account_number": "800100002"},
    )
    assert response.status_code == 303, response.text[:1000]
    # Vidéotron's registry found the account: the activation e-mail went to the address on file.
    assert [message["To"] for message in await mailbox.messages()] == ["jean.levesque@garage-levesque.example"]
    await _sign_in(videotron, "marie.tremblay", VIDEOTRON_PASSWORD)
    home = await videotron.get("/")
    assert home.status_code == 200
    assert "800 100 001" in home.text or "800100001" in home.text  # the account overview from Vidéotron's registry


async def test_omicron_and_luminus_on_one_tenant_each_get_their_own_backend(portal, make_tenant, tenant_client):
    tenant = await make_tenant(
        "pair", plugins=["luminus_energy", "omicron_registration"], locales=["en", "fr_BE"], default_locale="en"
    )
    assert isinstance(service(tenant, OmicronBackend), OmicronLocal)
    assert isinstance(service(tenant, LuminusBackend), LuminusLocal)
    async with portal.database.session(tenant.id) as db:
        await luminus_demo(tenant, db)
        await omicron_demo(tenant, db)
        await db.commit()

    luminus = tenant_client(tenant)
    await _sign_in(luminus, "pme@boulangerie-dupont.be", LUMINUS_PASSWORD)
    invoices = await luminus.get("/luminus/invoices")
    assert invoices.status_code == 200, invoices.text[:1000]

    omicron = tenant_client(tenant)
    await _sign_in(omicron, "aberger", OMICRON_PASSWORD)
    devices = await omicron.get("/omicron/devices")
    added = await omicron.post(
        "/omicron/devices",
        data={"serial_number": "ZZ999Z", "csrf_token": csrf_of(devices.text)},
        follow_redirects=True,
    )
    assert added.status_code == 200, added.text[:1000]
    assert "OMICRON is checking this device" in added.text  # OMICRON's registry answered, not Luminus's
