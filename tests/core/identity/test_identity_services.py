"""The identity services a provider calls (``core.api``), and ``portique_send_confirmation``."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import select

from core.api import (
    ACTIVE_AT_ONCE,
    PluginInfo,
    RegistrationOutcome,
    UserStatus,
    confirm_email,
    create_user,
    hookimpl,
    queue_mail,
    register_user,
)
from core.audit.models import AuditEvent
from core.identity.models import ActionToken
from core.testing import mail_text
from tests.core.identity.identity_helpers import PASSWORD, load_user, post_form

OWN_LINK = "own_link"


def own_link_plugin() -> ModuleType:
    """Sends its own confirmation mail to ``…@own.example`` addresses; leaves the others to the core."""
    module = ModuleType(OWN_LINK)

    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name=OWN_LINK, version="1", title="Own link")

    @hookimpl
    async def portique_send_confirmation(tenant: Any, user: Any, db: Any) -> bool | None:
        if not user.email.endswith("@own.example"):
            return None
        queue_mail(db, tenant, user.email, "identity/already_registered", {"user": user}, locale="en")
        return True

    module.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
    module.portique_send_confirmation = portique_send_confirmation  # type: ignore[attr-defined]
    return module


@pytest.fixture
def portique_extra_plugins() -> dict[str, Any]:
    return {OWN_LINK: own_link_plugin()}


@pytest.fixture
async def own(make_tenant):
    return await make_tenant("own", locales=["en"], default_locale="en", plugins=[OWN_LINK])


def form(email: str) -> dict[str, str]:
    return {"email": email, "first_name": "Ada", "last_name": "Lovelace", "password": PASSWORD,
            "password_confirm": PASSWORD, "accept_terms": "y"}  # fmt: skip


async def test_hook_portique_send_confirmation_replaces_the_core_link(own, tenant_client, portal, mailbox):
    client = tenant_client(own)
    assert (await post_form(client, "/register", form("ada@own.example"))).status_code == 303
    mail = mail_text(await mailbox.last("ada@own.example"))
    assert "/confirm/" not in mail, "the plugin's mail went instead of the core's"
    user = await load_user(portal, own, "ada@own.example")
    assert user is not None
    assert user.status == UserStatus.PENDING_EMAIL
    async with portal.database.session(own.id) as db:
        assert await db.scalar(select(ActionToken).where(ActionToken.user_id == user.id)) is None


async def test_the_core_link_goes_when_no_plugin_sends_one(own, tenant_client, mailbox):
    client = tenant_client(own)
    assert (await post_form(client, "/register", form("grace@example.com"))).status_code == 303
    assert "/confirm/" in mail_text(await mailbox.last("grace@example.com"))


async def test_the_core_resend_uses_the_plugins_link_too(own, tenant_client, mailbox):
    client = tenant_client(own)
    await post_form(client, "/register", form("ada@own.example"))
    before = len(await mailbox.messages("ada@own.example"))
    again = await post_form(client, "/confirm/resend", {"email": "ada@own.example"})
    assert again.status_code == 303
    sent = await mailbox.messages("ada@own.example")
    assert len(sent) == before + 1
    assert "/confirm/" not in mail_text(sent[-1])


async def test_register_user_follows_the_given_policy_and_confirm_email_activates(own, portal):
    async with portal.database.session(own.id) as db:
        direct = await create_user(db, email="direct@example.com", password=PASSWORD)
        waiting = await create_user(db, email="waiting@example.com", password=PASSWORD)
        assert await register_user(db, own, direct, policy=ACTIVE_AT_ONCE) is RegistrationOutcome.ACTIVE
        assert await register_user(db, own, waiting) is RegistrationOutcome.CONFIRMATION
        assert (direct.status, waiting.status) == (UserStatus.ACTIVE, UserStatus.PENDING_EMAIL)
        assert await confirm_email(db, own, waiting) is False
        await db.commit()
        actions = list(await db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == str(waiting.id))))
    assert waiting.status == UserStatus.ACTIVE
    assert actions == ["identity.registered", "identity.email_confirmed", "identity.activated"]


async def test_a_tenant_that_does_not_enable_the_plugin_sends_the_core_link(own, make_tenant, tenant_client, mailbox):
    other = await make_tenant("other", locales=["en"], default_locale="en")
    client = tenant_client(other)
    assert (await post_form(client, "/register", form("ada@own.example"))).status_code == 303
    assert "/confirm/" in mail_text(await mailbox.last("ada@own.example"))
