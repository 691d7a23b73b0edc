"""Consent: what a customer accepted at registration, and the one-time prompt after a new version."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.consent.models import ConsentRecord
from core.identity.models import User, UserStatus
from core.identity.users import create_user
from core.tenancy.models import Tenant
from core.tenancy.service import TenantError, update_tenant
from tests.core.identity.identity_helpers import PASSWORD, csrf_of, post_form, sign_in

VERSIONS = {"terms_version": "1", "terms_url": "https://acme.example/terms", "privacy_version": "1"}


@pytest.fixture
async def tenant(make_tenant) -> Tenant:
    return await make_tenant("acme", locales=["en", "fr"], default_locale="en", settings={"consent": VERSIONS})


async def customer(portal, tenant: Tenant, email: str = "ada@example.com") -> User:
    async with portal.database.session(tenant.id) as db:
        user = await create_user(db, email=email, password=PASSWORD, status=UserStatus.ACTIVE, first_name="Ada")
        await db.commit()
    return user


async def set_versions(portal, tenant: Tenant, **versions: str) -> None:
    async with portal.database.session() as db:
        fresh = await db.get(Tenant, tenant.id)
        assert fresh is not None
        consent = {**fresh.plugin_settings("consent"), **versions}
        await update_tenant(db, portal.plugins, fresh, settings={**fresh.settings, "consent": consent})
        await db.commit()
    await portal.registry.refresh(force=True)


async def records(portal, tenant: Tenant, user_id: int) -> list[tuple[str, str, str]]:
    async with portal.database.session(tenant.id) as db:
        rows = await db.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
        )
        return [(row.document, row.version, row.via) for row in rows]


async def test_registration_records_the_current_versions_with_time_and_address(tenant, tenant_client, portal, mailbox):
    form: dict[str, Any] = {
        "email": "grace@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "accept_terms": "y",
    }
    page = await tenant_client(tenant).get("/register")
    assert 'href="https://acme.example/terms"' in page.text  # read before accepting
    assert "Privacy notice (version 1)" in page.text
    assert (await post_form(tenant_client(tenant), "/register", form)).status_code == 303
    async with portal.database.session(tenant.id) as db:
        user = await db.scalar(select(User).where(User.email_normalized == "grace@example.com"))
        assert user is not None
        rows = list(await db.scalars(select(ConsentRecord).where(ConsentRecord.user_id == user.id)))
        entry = await db.scalar(select(AuditEvent).where(AuditEvent.action == "consent.accepted"))
    assert sorted((r.document, r.version, r.via, r.ip) for r in rows) == [
        ("privacy", "1", "registration", "127.0.0.1"),
        ("terms", "1", "registration", "127.0.0.1"),
    ]
    assert all(r.accepted_at is not None and r.tenant_id == tenant.id for r in rows)
    assert entry is not None
    assert entry.subject_id == str(user.id)
    assert entry.data == {"via": "registration", "documents": {"terms": "1", "privacy": "1"}}


async def test_a_new_version_is_asked_once_then_never_again(tenant, tenant_client, portal):
    user = await customer(portal, tenant)
    client = tenant_client(tenant)
    assert (await sign_in(client, "ada@example.com")).status_code == 303
    home = await client.get("/")
    assert home.status_code == 303
    assert home.headers["location"] == "/consent?next=%2F"
    page = await client.get("/profile")
    assert page.headers["location"] == "/consent?next=%2Fprofile"
    prompt = await client.get(page.headers["location"])
    assert "Terms of use" in prompt.text
    assert "https://acme.example/terms" in prompt.text
    accepted = await client.post("/consent", data={"csrf_token": csrf_of(prompt.text), "next": "/profile"})
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/profile"
    assert (await client.get("/profile")).status_code == 200
    assert (await client.get("/")).status_code == 200
    assert await records(portal, tenant, user.id) == [("terms", "1", "prompt"), ("privacy", "1", "prompt")]

    await set_versions(portal, tenant, terms_version="2")
    again = await client.get("/profile")
    assert again.headers["location"] == "/consent?next=%2Fprofile"
    prompt = await client.get("/consent?next=%2Fprofile")
    assert "Terms of use" in prompt.text
    assert "Privacy notice" not in prompt.text
    await client.post("/consent", data={"csrf_token": csrf_of(prompt.text), "next": "/profile"})
    for _ in range(2):
        assert (await client.get("/profile")).status_code == 200
    assert (await client.get("/consent")).headers["location"] == "/"
    assert [r for r in await records(portal, tenant, user.id) if r[1] == "2"] == [("terms", "2", "prompt")]
    async with portal.database.session(tenant.id) as db:
        audited = list(await db.scalars(select(AuditEvent.data).where(AuditEvent.action == "consent.accepted")))
    assert audited == [
        {"via": "prompt", "documents": {"terms": "1", "privacy": "1"}},
        {"via": "prompt", "documents": {"terms": "2"}},
    ]


async def test_the_prompt_needs_the_csrf_token_and_a_signed_in_customer(tenant, tenant_client, portal):
    user = await customer(portal, tenant)
    client = tenant_client(tenant)
    assert (await client.get("/consent")).headers["location"].startswith("/login")
    await sign_in(client, "ada@example.com")
    assert (await client.post("/consent", data={"next": "/"})).status_code == 403
    assert await records(portal, tenant, user.id) == []


async def test_the_prompt_in_french(tenant, tenant_client, portal):
    await customer(portal, tenant)
    client = tenant_client(tenant)
    client.headers["Accept-Language"] = "fr"
    await sign_in(client, "ada@example.com")
    prompt = await client.get("/consent")
    assert "Nouvelles versions à accepter" in prompt.text
    assert "Conditions d’utilisation" in prompt.text
    assert "J’accepte" in prompt.text


async def test_a_tenant_without_versions_asks_nothing_and_records_nothing(make_tenant, tenant_client, portal):
    plain = await make_tenant("plain", locales=["en"], default_locale="en")
    user = await customer(portal, plain)
    client = tenant_client(plain)
    await sign_in(client, "ada@example.com")
    assert (await client.get("/profile")).status_code == 200
    assert await records(portal, plain, user.id) == []


async def test_the_versions_are_checked_when_the_tenant_is_saved(tenant, portal):
    async with portal.database.session() as db:
        fresh = await db.get(Tenant, tenant.id)
        assert fresh is not None
        with pytest.raises(TenantError) as raised:
            await update_tenant(db, portal.plugins, fresh, settings={"consent": {"terms_version": "x" * 41}})
    assert raised.value.field == "settings.consent.terms_version"


async def test_the_documents_addresses_are_web_addresses(tenant, portal):
    async with portal.database.session() as db:
        fresh = await db.get(Tenant, tenant.id)
        assert fresh is not None
        with pytest.raises(TenantError) as raised:
            await update_tenant(db, portal.plugins, fresh, settings={"consent": {"terms_url": "javascript:alert(1)"}})
    assert raised.value.field == "settings.consent.terms_url"
