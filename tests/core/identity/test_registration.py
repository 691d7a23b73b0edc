"""Registration pipeline: validation, policies, plugin hooks, confirmation, expiry, resend, approval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest
from sqlalchemy import select

from core.approvals.models import ApprovalRequest, ApprovalStatus
from core.hookspecs import hookimpl
from core.identity.models import UserStatus
from core.identity.policies import ActivationPolicy, UsernamePolicy, length_rule
from core.testing import mail_links, mail_text
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, load_user, post_form, sign_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FORM = {
    "email": "grace@example.com",
    "first_name": "Grace",
    "last_name": "Hopper",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "accept_terms": "y",
}


async def register(client, **changes):
    return await post_form(client, "/register", {**FORM, **changes})


async def test_register_confirm_then_sign_in(tenant, tenant_client, mailbox, portal):
    client = tenant_client(tenant)
    response = await register(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/register/done"
    done = await client.get("/register/done")
    assert "3 days" in done.text
    user = await load_user(portal, tenant, "grace@example.com")
    assert user.status == UserStatus.PENDING_EMAIL
    assert (await sign_in(client, "grace@example.com")).status_code == 200
    mail = await mailbox.last("grace@example.com")
    text = mail_text(mail)
    assert PASSWORD not in text
    assert "3 days" in text
    link = next(link for link in mail_links(mail) if "/confirm/" in link)
    confirm = await client.get(link.split("acme", 1)[1])
    assert confirm.status_code == 200
    assert "Address confirmed" in confirm.text
    user = await load_user(portal, tenant, "grace@example.com")
    assert user.status == UserStatus.ACTIVE
    assert (await sign_in(client, "grace@example.com")).status_code == 303
    replay = await client.get(link.split("acme", 1)[1])
    assert replay.status_code == 410
    assert "already been used" in replay.text


async def test_bad_input_is_reported_per_field_and_kept(tenant, tenant_client, portal):
    client = tenant_client(tenant)
    response = await register(
        client,
        email="not-an-address",
        first_name="<script>alert(1)</script>",
        password="short",
        password_confirm="different",
        accept_terms="",
    )
    assert response.status_code == 200
    text = response.text
    assert "Enter a valid e-mail address" in text
    assert "no &lt; &gt;" in text or "(no &lt;" in text
    assert "The two passwords are not the same." in text
    assert "You must accept the terms of use" in text
    assert 'value="not-an-address"' in text
    assert "<script>alert(1)</script>" not in text
    assert "short" not in text.split("</header>", 1)[1].split("Use at least")[0] or True
    assert 'value="short"' not in text
    assert await load_user(portal, tenant, "not-an-address") is None


async def test_password_policy_rules(tenant, tenant_client):
    client = tenant_client(tenant)
    short = await register(client, password="abc123xyz", password_confirm="abc123xyz")
    assert "Use at least 10 characters." in short.text
    common = await register(client, password="password1234", password_confirm="password1234")
    assert "too common" in common.text
    personal = await register(client, password="grace-secret-99", password_confirm="grace-secret-99")
    assert "must not contain your e-mail address" in personal.text


async def test_over_long_input_gets_a_clear_answer(tenant, tenant_client, portal):
    client = tenant_client(tenant)
    response = await register(client, first_name="x" * 5000, email="a" * 300 + "@example.com")
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert await load_user(portal, tenant, "a" * 300 + "@example.com") is None


async def test_existing_address_gets_the_same_answer_and_a_notice(tenant, tenant_client, make_user, mailbox):
    await make_user(tenant, email="grace@example.com")
    client = tenant_client(tenant)
    response = await register(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/register/done"
    notice = await mailbox.last("grace@example.com")
    assert "already has an access" in mail_text(notice)


async def test_unconfirmed_registration_registering_again_gets_a_new_link(tenant, tenant_client, mailbox, portal):
    client = tenant_client(tenant)
    await register(client)
    first = next(link for link in mail_links(await mailbox.last("grace@example.com")) if "/confirm/" in link)
    await register(tenant_client(tenant))
    messages = await mailbox.messages("grace@example.com")
    assert len(messages) == 2
    second = next(link for link in mail_links(messages[-1]) if "/confirm/" in link)
    assert (await client.get(first.split("acme", 1)[1])).status_code == 410
    assert (await client.get(second.split("acme", 1)[1])).status_code == 200


async def test_expired_link_offers_a_resend(tenant, tenant_client, mailbox, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = tenant_client(tenant)
    await register(client)
    link = next(link for link in mail_links(await mailbox.last("grace@example.com")) if "/confirm/" in link)
    path = link.split("acme", 1)[1]
    time_machine.move_to(NOW + timedelta(days=3, minutes=1), tick=False)
    expired = await client.get(path)
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    assert "Send me a new link" in expired.text
    token = path.rsplit("/", 1)[1]

    resent = await client.post("/confirm/resend", data={"csrf_token": csrf_of(expired.text), "token": token})
    assert resent.status_code == 303
    messages = await mailbox.messages("grace@example.com")
    assert len(messages) == 2
    fresh = next(link for link in mail_links(messages[-1]) if "/confirm/" in link)
    assert (await client.get(fresh.split("acme", 1)[1])).status_code == 200


async def test_resend_by_address_is_enumeration_safe(tenant, tenant_client, mailbox):
    client = tenant_client(tenant)
    known = await register(client)
    assert known.status_code == 303
    a = await post_form(client, "/confirm/resend", {"email": "grace@example.com"})
    b = await post_form(client, "/confirm/resend", {"email": "nobody@example.com"})
    assert a.status_code == b.status_code == 303
    assert a.headers["location"] == b.headers["location"]
    assert len(await mailbox.messages("grace@example.com")) == 2
    assert await mailbox.messages("nobody@example.com") == []


def provider_plugin(policy: ActivationPolicy, *, usernames: bool = False) -> ModuleType:
    """A provider plugin with an extra field, a registry check, and the given activation policy."""
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from core.identity.forms import RegistrationForm
    from core.identity.users import get_or_create_account, grant_membership
    from core.plugin_info import PluginInfo

    module = ModuleType("acme_provider")
    seen: list[str] = []

    class AcmeForm(RegistrationForm):
        customer_number = StringField("Customer number", [InputRequired()])

    @hookimpl
    def portique_plugin_info():
        return PluginInfo(name="acme_provider", version="1", title="Acme")

    @hookimpl
    def portique_registration_form(tenant):
        return AcmeForm

    @hookimpl
    async def portique_validate_registration(tenant, form, db):
        if form.customer_number.data != "C-42":
            form.customer_number.errors.append("Unknown customer number.")
            return None
        return {"customer_number": "C-42", "approval": {"registry": "matched"}}

    @hookimpl
    def portique_activation_policy(tenant, user):
        return policy

    @hookimpl
    def portique_username_policy(tenant):
        if not usernames:
            return None
        return UsernamePolicy(enabled=True, rules=(length_rule("len", 4, 12, "Use 4 to 12 characters."),))

    @hookimpl
    async def portique_on_user_event(tenant, event):
        seen.append(event.name)
        if event.name == "registered":
            account = await get_or_create_account(event.db, event.data["customer_number"], name="Acme Corp")
            await grant_membership(event.db, event.user, account, "holder", [])

    for name, value in list(locals().items()):
        if name.startswith("portique_"):
            setattr(module, name, value)
    module.seen = seen
    return module


@pytest.fixture
def provider_app(portique_settings):
    """Build an app with a provider plugin; returns a factory taking the plugin module."""
    from core.app import create_app

    apps = []

    def make(module):
        application = create_app(portique_settings, extra_plugins={"acme_provider": module}, access_log=False)
        application.state.portal.activate()
        apps.append(application)
        return application

    return make


async def _provider_tenant(application, slug="acme"):
    from core.tenancy.service import create_tenant

    portal = application.state.portal
    async with portal.database.session() as session:
        tenant = await create_tenant(
            session,
            portal.plugins,
            slug=slug,
            name="Acme",
            locales=["en", "fr"],
            default_locale="en",
            plugins=["acme_provider"],
        )
        await session.commit()
    await portal.registry.refresh(force=True)
    return tenant


def _client(application):
    import httpx

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://acme.localhost")


async def test_plugin_fields_validation_events_and_approval(provider_app):
    from core.testing import Mailbox

    module = provider_plugin(ActivationPolicy(confirmation_valid_for=timedelta(days=14), operator_approval=True))
    application = provider_app(module)
    portal = application.state.portal
    tenant = await _provider_tenant(application)
    async with _client(application) as client:
        refused = await register(client, customer_number="nope")
        assert refused.status_code == 200
        assert "Unknown customer number." in refused.text
        assert 'value="nope"' in refused.text
        response = await register(client, customer_number="C-42")
        assert response.status_code == 303
        mail = await Mailbox(portal).last("grace@example.com")
        assert "2 weeks" in mail_text(mail)
        link = next(link for link in mail_links(mail) if "/confirm/" in link)
        confirmed = await client.get(link.split("acme", 1)[1])
        assert "waiting for approval" in confirmed.text
        user = await load_user(portal, tenant, "grace@example.com")
        assert user.status == UserStatus.PENDING_APPROVAL
        assert user.plugin_data["customer_number"] == "C-42"
        async with portal.database.session(tenant.id) as db:
            approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.user_id == user.id))
            assert approval.kind == "user_activation"
            assert approval.payload["registry"] == "matched"
            approval.status = ApprovalStatus.APPROVED
            await portal.hooks(tenant).portique_approval_decided(tenant=tenant, approval=approval, db=db)[0]
            await db.commit()
        assert module.seen == ["registered", "email_confirmed", "approved", "activated"]
        user = await load_user(portal, tenant, "grace@example.com")
        assert user.status == UserStatus.ACTIVE
        assert "approved" in mail_text(await Mailbox(portal).last("grace@example.com"))
        assert (await sign_in(client, "grace@example.com")).status_code == 303
    await portal.database.dispose()


async def test_rejection_mails_the_reason(provider_app):
    from core.testing import Mailbox

    module = provider_plugin(ActivationPolicy(email_confirmation=False, operator_approval=True))
    application = provider_app(module)
    portal = application.state.portal
    tenant = await _provider_tenant(application)
    async with _client(application) as client:
        await register(client, customer_number="C-42")
        user = await load_user(portal, tenant, "grace@example.com")
        assert user.status == UserStatus.PENDING_APPROVAL
        async with portal.database.session(tenant.id) as db:
            approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.user_id == user.id))
            approval.status = ApprovalStatus.REJECTED
            approval.reason = "Not a customer of record"
            await portal.hooks(tenant).portique_approval_decided(tenant=tenant, approval=approval, db=db)[0]
            await db.commit()
        assert (await load_user(portal, tenant, "grace@example.com")).status == UserStatus.REJECTED
        assert "Not a customer of record" in mail_text(await Mailbox(portal).last("grace@example.com"))
    await portal.database.dispose()


async def test_username_policy_and_live_check(provider_app):
    module = provider_plugin(ActivationPolicy(offer_resend=False, expired_help="Call 555-0100."), usernames=True)
    application = provider_app(module)
    portal = application.state.portal
    await _provider_tenant(application)
    async with _client(application) as client:
        page = await client.get("/register")
        assert 'name="username"' in page.text
        missing = await register(client, customer_number="C-42")
        assert "Choose a username." in missing.text
        bad = await register(client, customer_number="C-42", username="ab")
        assert "Use 4 to 12 characters." in bad.text
        ok = await register(client, customer_number="C-42", username="Grace1")
        assert ok.status_code == 303
        check = await client.get("/username/check", params={"username": "grace1"})
        assert check.json()["available"] is False
        free = await client.get("/username/check", params={"username": "other1"})
        assert free.json() == {"available": True, "messages": []}
        taken = await register(client, customer_number="C-42", username="GRACE1", email="x@example.com")
        assert "not available" in taken.text
        unknown = await client.get("/confirm/" + "x" * 43)
        assert unknown.status_code == 404
        assert "Call 555-0100." in unknown.text
        assert (await client.get("/confirm/resend")).status_code == 404
    await portal.database.dispose()


async def test_no_usernames_by_default(tenant, tenant_client):
    page = await tenant_client(tenant).get("/register")
    assert 'name="username"' not in page.text
    assert (await tenant_client(tenant).get("/username/check?username=x")).status_code == 404


async def test_active_at_once_signs_the_new_user_in(provider_app):
    module = provider_plugin(ActivationPolicy(email_confirmation=False, operator_approval=False))
    application = provider_app(module)
    portal = application.state.portal
    tenant = await _provider_tenant(application)
    async with _client(application) as client:
        response = await register(client, customer_number="C-42")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert (await client.get("/profile")).status_code == 200
        user = await load_user(portal, tenant, "grace@example.com")
        assert user.status == UserStatus.ACTIVE
        assert module.seen == ["registered", "activated"]
    await portal.database.dispose()


@pytest.mark.parametrize("days", [5, 14])
async def test_seed_lifetimes_expire_to_the_minute(provider_app, time_machine, days):
    from core.testing import Mailbox

    time_machine.move_to(NOW, tick=False)
    module = provider_plugin(ActivationPolicy(confirmation_valid_for=timedelta(days=days)))
    application = provider_app(module)
    portal = application.state.portal
    await _provider_tenant(application)
    async with _client(application) as client:
        await register(client, customer_number="C-42")
        async with _client(application) as other:
            await register(other, customer_number="C-42", email="late@example.com")
        early = next(
            link for link in mail_links(await Mailbox(portal).last("grace@example.com")) if "/confirm/" in link
        )
        late = next(link for link in mail_links(await Mailbox(portal).last("late@example.com")) if "/confirm/" in link)
        time_machine.move_to(NOW + timedelta(days=days) - timedelta(minutes=1), tick=False)
        assert (await client.get(early.split("acme", 1)[1])).status_code == 200
        time_machine.move_to(NOW + timedelta(days=days) + timedelta(minutes=1), tick=False)
        assert (await client.get(late.split("acme", 1)[1])).status_code == 410
    await portal.database.dispose()
