"""Services keyed by protocol: the conformance check, the registry's choice, a connector plugin."""

from __future__ import annotations

import types
from typing import Protocol

import pytest

from core.api import PluginInfo, ServiceError, conformance_problems, hookimpl, service
from core.plugins import PluginManager
from core.services import Offer, ServiceRegistry
from core.testing import csrf_of
from plugins.videotron_business.backend import AccountRecord, LocalBackend, VideotronBackend

# Every protocol every installed plugin registers, with its implementation: the shared conformance run.
_PLUGINS = PluginManager()
_STAND_IN = types.SimpleNamespace(id=None, slug="conformance", plugins=list(_PLUGINS.provider_names), settings={})
REGISTERED = [
    pytest.param(protocol, implementation, id=f"{name}:{protocol.__qualname__}")
    for name in _PLUGINS.modules
    for protocol, implementation in (_PLUGINS.call_plugin(name, "portique_services", tenant=_STAND_IN) or {}).items()
]


def test_every_provider_plugin_registers_its_backend_protocol():
    protocols = {param.values[0].__qualname__ for param in REGISTERED}
    assert {"CustomerRegistry", "LuminusBackend", "OmicronBackend", "VideotronBackend"} <= protocols


@pytest.mark.parametrize(("protocol", "implementation"), REGISTERED)
def test_every_registered_implementation_conforms_to_its_protocol(protocol, implementation):
    assert conformance_problems(protocol, implementation) == []


class Shop(Protocol):
    async def find(self, db: object, number: str, *, strict: bool = False) -> object: ...

    def label(self, number: str) -> str: ...


class GoodShop:
    async def find(self, db: object, number: str, *, strict: bool = False, trace: bool = False) -> object:
        return None

    def label(self, number: str, **extra: object) -> str:
        return number


class BadShop:
    def find(self, db: object, number: str, *, strict: bool = False) -> object:  # not async
        return None


class RenamedShop:
    async def find(self, db: object, account: str, *, strict: bool = False) -> object:
        return None

    def label(self, number: str, style: str) -> str:  # requires an argument the protocol never passes
        return number


class NoDefaultShop:
    async def find(self, db: object, number: str, *, strict: bool) -> object:
        return None

    def label(self, number: str) -> str:
        return number


def test_the_conformance_check_accepts_a_compatible_implementation():
    assert conformance_problems(Shop, GoodShop) == []
    assert conformance_problems(Shop, GoodShop()) == []


def test_the_conformance_check_names_every_incompatibility():
    assert conformance_problems(Shop, BadShop) == ["find: must be async", "label: missing"]
    problems = conformance_problems(Shop, RenamedShop)
    assert problems[0] == "find: 'account' stands where the protocol has 'number'"
    assert problems[1] == "label: requires 'style', which the protocol does not pass"
    assert conformance_problems(Shop, NoDefaultShop) == ["find: 'strict' needs the protocol's default"]


def test_a_connector_replaces_the_owners_implementation_and_two_connectors_are_an_error():
    local, remote, other = GoodShop(), GoodShop(), GoodShop()
    owner = Offer("shop", Shop, local, owner=True)
    assert ServiceRegistry([owner]).get(Shop) is local
    assert ServiceRegistry([owner, Offer("connector", Shop, remote, owner=False)]).get(Shop) is remote
    with pytest.raises(ServiceError, match="'a' and 'b' both implement Shop"):
        ServiceRegistry([owner, Offer("a", Shop, remote, owner=False), Offer("b", Shop, other, owner=False)])


def test_a_non_conforming_implementation_is_refused_with_the_plugin_named():
    with pytest.raises(ServiceError, match=r"plugin 'shop': BadShop does not implement Shop: find: must be async"):
        ServiceRegistry([Offer("shop", Shop, BadShop(), owner=True)])


def test_a_protocol_nobody_implements_is_a_clear_error():
    with pytest.raises(ServiceError, match="no enabled plugin implements Shop"):
        ServiceRegistry([]).get(Shop)


# -- a connector plugin, installed beside Vidéotron's -------------------------------------------------


class RemoteBackend(LocalBackend):
    """A connector to the real registry: it knows one account the local tables do not."""

    async def find_account(self, db, number):
        if number == "800999999":
            return AccountRecord(
                number="800999999",
                company="Connecteur inc.",
                holder_first_name="Rémi",
                holder_last_name="Distant",
                email_on_file="remi@connecteur.example",
                service_address="1 rue du Câble, Montréal",
                postal_code="H2X1Y4",
                mobility=False,
                locale="en_CA",
            )
        return None


connector = types.ModuleType("tests.core.videotron_connector")


@hookimpl
def _connector_info() -> PluginInfo:
    return PluginInfo(name="videotron_connector", version="1.0", title="Vidéotron connector")


@hookimpl
def _connector_services(tenant) -> dict[type, object]:
    return {VideotronBackend: RemoteBackend()}


connector.portique_plugin_info = _connector_info  # type: ignore[attr-defined]
connector.portique_services = _connector_services  # type: ignore[attr-defined]


@pytest.fixture
def portique_extra_plugins():
    return {"videotron_connector": connector}


async def test_a_connector_plugin_serves_the_owners_pages_on_the_tenants_that_enable_it(
    make_tenant, tenant_client, mailbox
):
    canada = {"locales": ["en_CA"], "default_locale": "en_CA"}
    wired = await make_tenant("wired", plugins=["videotron_business", "videotron_connector"], **canada)
    local = await make_tenant("local", plugins=["videotron_business"], **canada)
    plain = await make_tenant("plain", plugins=[])
    assert isinstance(service(wired, VideotronBackend), RemoteBackend)
    assert type(service(local, VideotronBackend)) is LocalBackend
    with pytest.raises(ServiceError):
        service(plain, VideotronBackend)

    client = tenant_client(wired)
    page = await client.get("/videotron/activation")
    response = await client.post(
        "/videotron/activation", data={"csrf_token": csrf_of(page.text), "account_number": "800 999 999"}
    )
    assert response.status_code == 303
    assert [message["To"] for message in await mailbox.messages()] == ["remi@connecteur.example"]
