"""Every provider's registration path emits the core's identity events and audit entries.

Each path is driven through HTTP as a person would (forms, the links of the mails, the console's
approval) on a tenant that also enables a small recorder plugin listening to
``portique_on_user_event``. The core's own ``/register`` gives the reference: with an e-mail
confirmation, ``registered`` → ``email_confirmed`` → ``activated``; without one, ``registered`` →
``activated``; and the matching ``identity.*`` audit entries. A provider's path must give the same,
and the same consent records: every tenant here sets versions of its terms and privacy notice, and
each path records their acceptance at registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import ModuleType
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import select

from core.api import ActivationPolicy, ApprovalRequest, PluginInfo, User, hookimpl
from core.audit.models import AuditEvent
from core.consent.models import ConsentRecord
from core.staff.accounts import create_staff
from core.testing import csrf_of, mail_links

LIFECYCLE = ("registered", "email_confirmed", "approved", "activated")
AUDITED = ("identity.registered", "identity.email_confirmed", "identity.approval_requested", "identity.activated")
PASSWORD = "Registration-Events-2026"
RECORDER = "event_recorder"
INSTANT = "instant_access"
CONSENT = {"terms_version": "2026-03", "privacy_version": "4"}
ACCEPTED = ["privacy:4:registration", "terms:2026-03:registration"]


@dataclass
class Recorder:
    """The identity events heard on each tenant, per user e-mail, in order."""

    heard: dict[tuple[int, str], list[str]] = field(default_factory=dict)

    def plugin(self) -> ModuleType:
        module = ModuleType(RECORDER)

        @hookimpl
        def portique_plugin_info() -> PluginInfo:
            return PluginInfo(name=RECORDER, version="1", title="Event recorder")

        @hookimpl
        def portique_on_user_event(tenant: Any, event: Any) -> None:
            if event.name in LIFECYCLE:
                self.heard.setdefault((tenant.id, event.user.email_normalized), []).append(event.name)

        module.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
        module.portique_on_user_event = portique_on_user_event  # type: ignore[attr-defined]
        return module


def instant_access_plugin() -> ModuleType:
    """A tenant whose registrations need no confirmation: the core's path without a link."""
    module = ModuleType(INSTANT)

    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name=INSTANT, version="1", title="Instant access")

    @hookimpl
    def portique_activation_policy(tenant: Any, user: Any) -> ActivationPolicy:
        return ActivationPolicy(email_confirmation=False, operator_approval=False)

    module.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
    module.portique_activation_policy = portique_activation_policy  # type: ignore[attr-defined]
    return module


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_tenant(make_tenant: Any) -> Any:
    """The core's ``make_tenant``, every tenant asking for its terms (2026-03) and privacy notice (4)."""

    async def make(slug: str, **values: Any) -> Any:
        settings = {**values.pop("settings", {}), "consent": CONSENT}
        return await make_tenant(slug, settings=settings, **values)

    return make


@pytest.fixture
def portique_extra_plugins(recorder: Recorder) -> dict[str, Any]:
    return {RECORDER: recorder.plugin(), INSTANT: instant_access_plugin()}


@dataclass
class Trace:
    """What one registration left: the lifecycle events heard, the ``identity.*`` audit entries and
    the consent records (``document:version:via``)."""

    events: list[str]
    audit: list[str]
    consent: list[str]


async def trace(portal: Any, recorder: Recorder, tenant: Any, email: str) -> Trace:
    """The events and audit entries of the user registered with ``email`` on ``tenant``."""
    async with portal.database.session(tenant.id) as db:
        user = await db.scalar(select(User).where(User.email_normalized == email.lower()))
        assert user is not None, f"no user {email}"
        actions = await db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
            .order_by(AuditEvent.id)
        )
        audit = [action for action in actions if action in AUDITED]
        records = await db.scalars(select(ConsentRecord).where(ConsentRecord.user_id == user.id))
        consent = sorted(f"{r.document}:{r.version}:{r.via}" for r in records)
    return Trace(recorder.heard.get((tenant.id, email.lower()), []), audit, consent)


async def link(mailbox: Any, to: str, marker: str) -> str:
    """The path (inside the tenant) of the first link containing ``marker`` in the newest mail to ``to``."""
    links = [url for url in mail_links(await mailbox.last(to)) if marker in url]
    assert links, f"no {marker} link in the mail to {to}"
    path = "/" + links[0].split("://", 1)[1].split("/", 1)[1]
    return "/" + path.split("/", 3)[3] if path.startswith("/t/") else path


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any], page: str | None = None) -> httpx.Response:
    """GET the form for its CSRF token, then POST ``data`` to ``path``."""
    form = await client.get(page or path)
    assert form.status_code == 200, form.text[-1500:]
    return await client.post(path, data={**data, "csrf_token": csrf_of(form.text)})


def core_form(email: str) -> dict[str, str]:
    return {
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": "y",
    }


# -- the core's reference paths ------------------------------------------------------------------------


@pytest.fixture
async def reference(make_tenant, tenant_client, portal, recorder, mailbox) -> dict[str, Trace]:
    """The core's ``/register``: with the e-mail confirmation (``confirm``) and without (``direct``)."""
    confirming = await make_tenant("acme", locales=["en"], default_locale="en", plugins=[RECORDER])
    client = tenant_client(confirming)
    assert (await post(client, "/register", core_form("ada@example.com"))).status_code == 303
    assert (await client.get(await link(mailbox, "ada@example.com", "/confirm/"))).status_code == 200
    direct = await make_tenant("instant", locales=["en"], default_locale="en", plugins=[RECORDER, INSTANT])
    done = await post(tenant_client(direct), "/register", core_form("grace@example.com"))
    assert done.headers["location"] == "/"
    return {
        "confirm": await trace(portal, recorder, confirming, "ada@example.com"),
        "direct": await trace(portal, recorder, direct, "grace@example.com"),
    }


async def test_the_core_paths_emit_the_lifecycle_events_and_audit_entries(reference):
    assert reference["confirm"] == Trace(
        ["registered", "email_confirmed", "activated"],
        ["identity.registered", "identity.email_confirmed", "identity.activated"],
        ACCEPTED,
    )
    assert reference["direct"] == Trace(
        ["registered", "activated"], ["identity.registered", "identity.activated"], ACCEPTED
    )


# -- Vidéotron ---------------------------------------------------------------------------------------------


@pytest.fixture
async def videotron(make_tenant, portal):
    from plugins.videotron_business.demo import create_demo_data

    tenant = await make_tenant(
        "videotron",
        plugins=["videotron_business", RECORDER],
        theme="videotron",
        locales=["fr_CA", "en_CA"],
        default_locale="fr_CA",
    )
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(db)
        await db.commit()
    return tenant


async def test_videotron_account_number_registration(reference, videotron, tenant_client, portal, recorder, mailbox):
    client = tenant_client(videotron)
    client.headers["Accept-Language"] = "en-CA"
    email = "anh@cabinet-nguyen.example"
    form = {
        "account_number": "800 100 003",
        "username": "anh.nguyen",
        "postal_code": "j4k2t5",
        "email": email,
        "password": "Compta2026",
        "password_confirm": "Compta2026",
        "holder": "y",
    }
    assert (await post(client, "/register", form)).headers["location"].endswith("/videotron/registered")
    confirm = await link(mailbox, email, "/videotron/confirm/")
    assert (await post(client, confirm, {})).status_code == 303
    assert await trace(portal, recorder, videotron, email) == reference["confirm"]


async def test_videotron_activation_mail_registration(reference, videotron, tenant_client, portal, recorder, mailbox):
    client = tenant_client(videotron)
    client.headers["Accept-Language"] = "en-CA"
    on_file = "jean.levesque@garage-levesque.example"
    assert (await post(client, "/videotron/activation", {"account_number": "800 100 002"})).status_code == 303
    activate = await link(mailbox, on_file, "/videotron/activate/")
    form = {"username": "jean.levesque", "password": "Garage2026", "password_confirm": "Garage2026", "holder": "y"}
    assert (await post(client, activate, form)).headers["location"] == "/"
    assert await trace(portal, recorder, videotron, on_file) == reference["direct"]


# -- Luminus -----------------------------------------------------------------------------------------------


async def test_luminus_registration(reference, make_tenant, tenant_client, portal, recorder, mailbox):
    from plugins.luminus_energy.demo import Site, add_customer, add_site
    from plugins.luminus_energy.ean import make_ean
    from plugins.luminus_energy.models import Energy

    tenant = await make_tenant(
        "luminus", plugins=["luminus_energy", RECORDER], locales=["fr_BE", "nl_BE"], default_locale="fr_BE"
    )
    site = Site("54144880000000077", Energy.ELECTRICITY, "Rue Haute 1", "1000", "Bruxelles", (("single", 1.0),),
                "ELEC-PRO-FIX", date(2025, 1, 1))  # fmt: skip
    async with portal.database.session(tenant.id) as db:
        customer = await add_customer(db, "2000900001", "Boulangerie Dupont", email="compta@dupont.example")
        await add_site(db, customer, site, date(2025, 6, 1))
        await db.commit()
    email = "marc@dupont.example"
    form = {**core_form(email), "customer_number": "2000900001", "ean": make_ean(site.ean17)}
    client = tenant_client(tenant)
    response = await post(client, "/register", form)
    assert response.headers["location"] == "/register/done", response.text[-2000:]
    assert (await client.get(await link(mailbox, email, "/confirm/"))).status_code == 200
    assert await trace(portal, recorder, tenant, email) == reference["confirm"]


# -- OMICRON -----------------------------------------------------------------------------------------------


@pytest.fixture
async def omicron(make_tenant, portal):
    from plugins.omicron_registration.models import Device, LegacyAccount

    tenant = await make_tenant(
        "omicron", plugins=["omicron_registration", RECORDER], theme="omicron", locales=["en"], default_locale="en"
    )
    async with portal.database.session(tenant.id) as db:
        db.add(Device(serial_number="AB123Z", product="CPC 100", family="cpc", country="AT", owner_company="Acme GmbH"))
        db.add(LegacyAccount(email="Old.User@Example.com", email_normalized="old.user@example.com",
                             username="olduser", first_name="Olga", last_name="Old", company="Legacy AG"))  # fmt: skip
        await db.commit()
    return tenant


async def test_omicron_serial_number_registration(reference, omicron, tenant_client, portal, recorder, mailbox):
    email = "eva.muster@acme.example"
    form = {**core_form(email), "username": "evamuster", "company": "Acme GmbH", "country": "AT"}
    client = tenant_client(omicron)
    assert (await post(client, "/register", {**form, "serial_number": "ab123z"})).status_code == 303
    assert (await client.get(await link(mailbox, email, "/confirm/"))).status_code == 200
    assert await trace(portal, recorder, omicron, email) == reference["confirm"]


async def test_omicron_migration_of_a_former_account(reference, omicron, tenant_client, portal, recorder, mailbox):
    client = tenant_client(omicron)
    assert (await post(client, "/omicron/migrate", {"email": "old.user@example.com"})).status_code == 200
    migrate = await link(mailbox, "Old.User@Example.com", "/omicron/migrate/")
    profile = {"first_name": "Olga", "last_name": "Old", "company": "Legacy AG", "country": "DE"}
    form = {**profile, "password": PASSWORD, "password_confirm": PASSWORD, "accept_terms": "y"}
    assert (await post(client, migrate, form)).headers["location"].endswith("/omicron/welcome")
    assert await trace(portal, recorder, omicron, "old.user@example.com") == reference["direct"]


# -- Lumen -------------------------------------------------------------------------------------------------


async def test_lumen_provisioning_after_approval(reference, make_tenant, tenant_client, app, portal, recorder):
    from plugins.lumen_ecommerce.demo import create_demo_data
    from tests.plugins.lumen_ecommerce.conftest import LUMEN, request_data

    tenant = await make_tenant("lumen", **{**LUMEN, "plugins": ["lumen_ecommerce", RECORDER]})
    async with portal.database.session(tenant.id) as db:
        await create_demo_data(tenant, db)
        staff = await create_staff(db, email="op@ops.test", name="Op", password=PASSWORD, role="operator", tenants=[])
        await db.commit()
    client = tenant_client(tenant)
    page = await client.get("/register")
    assert (await client.post("/register", data=request_data(csrf_of(page.text)))).status_code == 303
    async with portal.database.session(tenant.id) as db:
        approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.status == "pending"))
    assert approval is not None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as console:
        login = await console.get("/console/login")
        code = pyotp.TOTP(staff.totp_secret).now() if staff.totp_secret else ""
        credentials = {"email": staff.email, "password": PASSWORD, "code": code, "csrf_token": csrf_of(login.text)}
        assert (await console.post("/console/login", data=credentials)).status_code == 303
        card = await console.get(f"/console/approvals/{approval.id}")
        decision = {"csrf_token": csrf_of(card.text), "decision": "approve"}
        assert (await console.post(f"/console/approvals/{approval.id}", data=decision)).status_code == 303
    for email in ("emilie.cote@tremblay.example", "luc.gagne@tremblay.example"):
        found = await trace(portal, recorder, tenant, email)
        assert (found.events, found.audit) == (reference["direct"].events, reference["direct"].audit), email
        # besides the tenant's documents, the commitment signed with the access request
        assert found.consent == sorted([*ACCEPTED, "lumen_ecommerce.commitment:2026-11:registration"]), email
