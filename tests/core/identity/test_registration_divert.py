"""``portique_divert_registration``: a plugin takes a submitted registration over (the core creates no user)."""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.hookspecs import hookimpl
from core.identity.models import User
from tests.core.identity.identity_helpers import PASSWORD, post_form

FORM = {
    "email": "grace@example.com",
    "first_name": "Grace",
    "last_name": "Hopper",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "accept_terms": "y",
}


def diverting_plugin(seen: list[tuple[str, bool]]) -> ModuleType:
    """Diverts an e-mail address alone to ``/elsewhere``, and a valid form for ``vip@…`` to ``/register/done``."""
    from core.plugin_info import PluginInfo

    module = ModuleType("divert_provider")

    @hookimpl
    def portique_plugin_info():
        return PluginInfo(name="divert_provider", version="1", title="Divert")

    @hookimpl
    async def portique_divert_registration(tenant, form, db):
        has_errors = any(field.errors for field in form)
        seen.append((form.email.data, has_errors))
        if not form.first_name.data and not form.email.errors:
            db.add(AuditEvent(tenant_id=tenant.id, action="test.diverted", data={}))
            return "/elsewhere"
        if form.email.data.startswith("vip@") and not has_errors:
            return "/register/done"
        return None

    module.portique_plugin_info = portique_plugin_info
    module.portique_divert_registration = portique_divert_registration
    return module


@pytest.fixture
async def diverting(portique_settings):
    from core.app import create_app
    from core.tenancy.service import create_tenant

    seen: list[tuple[str, bool]] = []
    application = create_app(
        portique_settings, extra_plugins={"divert_provider": diverting_plugin(seen)}, access_log=False
    )
    portal = application.state.portal
    portal.activate()
    async with portal.database.session() as session:
        tenant = await create_tenant(
            session, portal.plugins, slug="acme", name="Acme", locales=["en"], default_locale="en",
            plugins=["divert_provider"],
        )  # fmt: skip
        await session.commit()
    await portal.registry.refresh(force=True)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://acme.localhost")
    yield portal, tenant, client, seen
    await client.aclose()
    await portal.database.dispose()


async def test_a_plugin_may_take_over_a_form_the_core_would_refuse(diverting):
    portal, tenant, client, seen = diverting
    response = await post_form(client, "/register", {"email": "grace@example.com", "accept_terms": ""})
    assert response.status_code == 303
    assert response.headers["location"] == "/elsewhere"
    assert seen == [("grace@example.com", True)]  # called with the form's errors
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(User.id)) is None
        assert await db.scalar(select(AuditEvent.id).where(AuditEvent.action == "test.diverted"))  # committed


async def test_a_plugin_may_take_over_a_valid_form(diverting):
    portal, tenant, client, _seen = diverting
    response = await post_form(client, "/register", {**FORM, "email": "vip@example.com"})
    assert response.status_code == 303
    assert response.headers["location"] == "/register/done"
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(User.id)) is None


async def test_without_an_answer_the_registration_goes_on(diverting):
    portal, tenant, client, seen = diverting
    refused = await post_form(client, "/register", {**FORM, "first_name": "Grace", "password_confirm": "other"})
    assert refused.status_code == 200
    assert "The two passwords are not the same." in refused.text
    created = await post_form(client, "/register", FORM)
    assert created.status_code == 303
    async with portal.database.session(tenant.id) as db:
        assert await db.scalar(select(User.email).where(User.email_normalized == "grace@example.com"))
    assert [has_errors for _email, has_errors in seen] == [True, False]


async def test_diverted_submissions_count_against_the_registration_throttle(diverting):
    _portal, _tenant, client, _seen = diverting
    answers = [(await post_form(client, "/register", {"email": f"p{i}@example.com"})).status_code for i in range(12)]
    assert answers[:10] == [303] * 10
    assert answers[10:] == [429, 429]
