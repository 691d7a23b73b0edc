"""``call_plugin``: one plugin's hook, called through pluggy; a plugin's settings, typed and cached."""

from __future__ import annotations

import pytest

from core.plugins import PluginError, PluginManager
from plugins.lumen_ecommerce.settings import LumenSettings
from plugins.omicron_registration.settings import OmicronSettings


@pytest.fixture(scope="module")
def plugins() -> PluginManager:
    return PluginManager()


def test_call_plugin_goes_through_pluggy_and_reaches_only_that_plugin(plugins):
    seen: list[tuple[str, list[str]]] = []

    def before(hook_name, hook_impls, kwargs):
        seen.append((hook_name, [impl.plugin_name for impl in hook_impls]))

    undo = plugins.pm.add_hookcall_monitoring(before, lambda *args: None)
    try:
        identifiers = plugins.call_plugin("videotron_business", "portique_login_identifiers", tenant=None)
        categories = plugins.call_plugin("lumen_ecommerce", "portique_permissions", tenant=None)
    finally:
        undo()
    assert identifiers == ("username",)  # a firstresult hook: the answer itself
    assert [permission.code for permission in categories] == [
        "lumen.order",
        "lumen.order_for_approval",
        "lumen.prices_only",
    ]  # a collecting hook: that plugin's answer, not a list of answers
    assert seen == [
        ("portique_login_identifiers", ["videotron_business"]),
        ("portique_permissions", ["lumen_ecommerce"]),
    ]


def test_call_plugin_answers_none_when_the_plugin_does_not_implement_the_hook(plugins):
    assert not plugins.hook_implemented("approvals", "portique_routes")
    assert plugins.call_plugin("approvals", "portique_routes", tenant=None) is None


async def test_plugin_settings_are_typed_defaulted_and_cached_until_the_tenant_changes(portal, make_tenant):
    from core.api import plugin_settings
    from core.tenancy.service import update_tenant

    tenant = await make_tenant(
        "lumen", plugins=["lumen_ecommerce"], settings={"lumen_ecommerce": {"auto_provision": True}}
    )
    first = plugin_settings(tenant, LumenSettings)
    assert isinstance(first, LumenSettings)
    assert first.auto_provision is True
    assert first.typed_signature is False  # the model's default
    assert plugin_settings(tenant, LumenSettings) is first  # validated once
    async with portal.database.session() as db:
        from core.tenancy.models import Tenant

        stored = await db.get(Tenant, tenant.id)
        await update_tenant(db, portal.plugins, stored, settings={"lumen_ecommerce": {"typed_signature": True}})
        await db.commit()
        await db.refresh(stored)
    changed = plugin_settings(stored, LumenSettings)
    assert changed.typed_signature is True
    assert changed.auto_provision is False


async def test_plugin_settings_of_a_model_no_plugin_declares_is_an_error(portal, make_tenant):
    from pydantic import BaseModel

    from core.api import plugin_settings

    class Stray(BaseModel):
        value: int = 1

    tenant = await make_tenant("acme")
    assert plugin_settings(tenant, OmicronSettings).confirmation_days == 14  # defaults on any tenant
    with pytest.raises(PluginError, match=r"no plugin declares .*Stray as its settings model"):
        plugin_settings(tenant, Stray)
