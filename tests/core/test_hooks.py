"""One ``test_hook_<hookspec>`` per hook of the plugin contract, called through pluggy (Datasette's rule).

Each test registers a probe plugin answering the hook beside the real plugins, calls the hook the
way the core does (the manager's relay, a tenant's relay, or ``call_plugin``) and checks what comes
back: pluggy validates the probe's signature against the hookspec, so a changed hookspec fails here.
``tests/meta/test_hookspecs.py`` requires a test here (or elsewhere) for every hookspec.
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path
from typing import Any

import click

from core.hookspecs import hookimpl
from core.plugin_info import PluginInfo
from core.plugins import PluginManager
from core.tenancy.models import Tenant

HERE = Path(__file__).resolve().parent
ANSWER = object()  # what the probe answers: the hook must hand it back untouched


def _probe(**impls: Any) -> PluginManager:
    """The installed plugins plus ``probe``, implementing ``impls`` (hook name -> function)."""
    module = types.ModuleType("probe")

    @hookimpl
    def portique_plugin_info() -> PluginInfo:
        return PluginInfo(name="probe", version="1.0", title="Probe")

    module.portique_plugin_info = portique_plugin_info  # type: ignore[attr-defined]
    for name, fn in impls.items():
        setattr(module, name, hookimpl(fn))
    return PluginManager({"probe": module})


def _tenant() -> Tenant:
    return Tenant(id=1, slug="probe", name="Probe", plugins=["probe"], settings={})


async def _answered(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _only_probe(plugins: PluginManager, hook: str, **kwargs: Any) -> Any:
    return plugins.call_plugin("probe", hook, **kwargs)


def test_hook_portique_plugin_info():
    plugins = _probe()
    assert _only_probe(plugins, "portique_plugin_info").title == "Probe"
    assert plugins.infos["probe"].title == "Probe"  # collected once, at start-up
    assert plugins.infos["identity"].default


def test_hook_portique_routes():
    plugins = _probe(portique_routes=lambda tenant: [ANSWER])
    answers = plugins.for_tenant(_tenant()).portique_routes(tenant=_tenant())
    assert [ANSWER] in answers  # beside the default plugins' routes
    other = Tenant(id=2, slug="other", name="Other", plugins=[], settings={})
    assert [ANSWER] not in plugins.for_tenant(other).portique_routes(tenant=other)  # not enabled there


def test_hook_portique_operator_routes():
    plugins = _probe(portique_operator_routes=lambda: [ANSWER])
    assert [ANSWER] in plugins.hook.portique_operator_routes()


def test_hook_portique_template_dirs():
    plugins = _probe(portique_template_dirs=lambda: [HERE])
    assert plugins.template_dirs("probe") == [HERE]


def test_hook_portique_static_dirs():
    plugins = _probe(portique_static_dirs=lambda: {"probe": HERE})
    assert plugins.static_dirs()["probe"] == HERE


def test_hook_portique_locale_dirs():
    plugins = _probe(portique_locale_dirs=lambda: {"probe_domain": HERE})
    assert plugins.locale_dirs()["probe_domain"] == ("probe", HERE)


def test_hook_portique_migrations_dir():
    plugins = _probe(portique_migrations_dir=lambda: {"probe": HERE})
    assert plugins.migration_dirs()["probe"] == ("probe", HERE)


def test_hook_portique_cli():
    @click.command("probe-command")
    def command() -> None:
        """A probe."""

    plugins = _probe(portique_cli=lambda group: group.add_command(command))
    group = click.Group()
    plugins.hook.portique_cli(group=group)
    assert group.commands["probe-command"] is command
    assert "staff" in group.commands  # the console's own command, through the same hook


def test_hook_portique_stylesheets():
    plugins = _probe(portique_stylesheets=lambda tenant: ["/static/plugins/probe/probe.css"])
    sheets = [s for answer in plugins.for_tenant(_tenant()).portique_stylesheets(tenant=_tenant()) for s in answer]
    assert "/static/plugins/probe/probe.css" in sheets


def test_hook_portique_nav_items():
    plugins = _probe(portique_nav_items=lambda tenant, user: [ANSWER] if user is None else [])
    assert [ANSWER] in plugins.for_tenant(_tenant()).portique_nav_items(tenant=_tenant(), user=None)


def test_hook_portique_dashboard_widgets():
    plugins = _probe(portique_dashboard_widgets=lambda tenant, user: [ANSWER])
    assert _only_probe(plugins, "portique_dashboard_widgets", tenant=_tenant(), user=None) == [ANSWER]


def test_hook_portique_ticket_categories():
    plugins = _probe(portique_ticket_categories=lambda tenant: [ANSWER])
    assert _only_probe(plugins, "portique_ticket_categories", tenant=_tenant()) == [ANSWER]


def test_hook_portique_care_actions():
    plugins = _probe(portique_care_actions=lambda tenant, ticket: [ANSWER])
    tenant = _tenant()
    assert _only_probe(plugins, "portique_care_actions", tenant=tenant, ticket=object()) == [ANSWER]
    offered = plugins.for_tenant(tenant).portique_care_actions(tenant=tenant, ticket=object())
    assert [ANSWER] in offered  # beside the core's everyday actions
    assert any(action.code == "password_reset" for answer in offered if answer != [ANSWER] for action in answer)


def test_hook_portique_permissions():
    plugins = _probe(portique_permissions=lambda tenant: [ANSWER])
    assert _only_probe(plugins, "portique_permissions", tenant=_tenant()) == [ANSWER]


def test_hook_portique_consent_documents():
    plugins = _probe(portique_consent_documents=lambda tenant: [ANSWER])
    assert _only_probe(plugins, "portique_consent_documents", tenant=_tenant()) == [ANSWER]


def test_hook_portique_periodic_jobs():
    plugins = _probe(portique_periodic_jobs=lambda: [ANSWER])
    assert [ANSWER] in plugins.hook.portique_periodic_jobs()


def test_hook_portique_registry_importers():
    plugins = _probe(portique_registry_importers=lambda tenant: [ANSWER])
    assert _only_probe(plugins, "portique_registry_importers", tenant=_tenant()) == [ANSWER]


def test_hook_portique_services():
    plugins = _probe(portique_services=lambda tenant: {Tenant: ANSWER})
    assert _only_probe(plugins, "portique_services", tenant=_tenant()) == {Tenant: ANSWER}


def test_hook_portique_approval_fields():
    plugins = _probe(portique_approval_fields=lambda tenant, approval: [ANSWER] if approval == "probe" else None)
    assert _only_probe(plugins, "portique_approval_fields", tenant=_tenant(), approval="probe") == [ANSWER]
    assert _only_probe(plugins, "portique_approval_fields", tenant=_tenant(), approval="other") is None


async def test_hook_portique_approval_decided():
    seen = []

    async def decided(tenant: Tenant, approval: Any, db: Any) -> None:
        seen.append((tenant.slug, approval))

    plugins = _probe(portique_approval_decided=decided)
    await _answered(_only_probe(plugins, "portique_approval_decided", tenant=_tenant(), approval="a", db=None))
    assert seen == [("probe", "a")]


async def test_hook_portique_on_user_event():
    seen = []

    async def heard(tenant: Tenant, event: Any) -> None:
        seen.append(event)

    plugins = _probe(portique_on_user_event=heard)
    await _answered(_only_probe(plugins, "portique_on_user_event", tenant=_tenant(), event="registered"))
    assert seen == ["registered"]


async def test_hook_portique_demo_data():
    async def demo(tenant: Tenant, db: Any) -> list[Any]:
        return [ANSWER]

    plugins = _probe(portique_demo_data=demo)
    assert await _answered(_only_probe(plugins, "portique_demo_data", tenant=_tenant(), db=None)) == [ANSWER]


async def test_hook_portique_divert_registration():
    async def divert(tenant: Tenant, form: Any, db: Any) -> str | None:
        return "/probe/next" if form == "serial" else None

    plugins = _probe(portique_divert_registration=divert)
    call = plugins.call_plugin
    assert await _answered(call("probe", "portique_divert_registration", tenant=_tenant(), form="serial", db=None))
    assert await _answered(call("probe", "portique_divert_registration", tenant=_tenant(), form="x", db=None)) is None


async def test_hook_portique_send_confirmation():
    async def send(tenant: Tenant, user: Any, db: Any) -> bool | None:
        return True if user == "pending" else None

    plugins = _probe(portique_send_confirmation=send)
    relay = plugins.for_tenant(_tenant())
    answers = [await _answered(a) for a in relay.portique_send_confirmation(tenant=_tenant(), user="pending", db=None)]
    assert True in answers
    other = Tenant(id=2, slug="other", name="Other", plugins=[], settings={})
    answers = [
        await _answered(a)
        for a in plugins.for_tenant(other).portique_send_confirmation(tenant=other, user="pending", db=None)
    ]
    assert True not in answers  # the probe answers only where its plugin is enabled


async def test_hook_portique_validate_registration():
    def validate(tenant: Tenant, form: Any, db: Any) -> dict[str, Any] | None:
        return {"serial": ["unknown"]} if form == "bad" else None

    plugins = _probe(portique_validate_registration=validate)
    answer = _only_probe(plugins, "portique_validate_registration", tenant=_tenant(), form="bad", db=None)
    assert await _answered(answer) == {"serial": ["unknown"]}


def _first(hook: str, impl: Any, **kwargs: Any) -> None:
    """A ``firstresult`` hook: the enabled probe's answer wins; a tenant without it gets the core's."""
    plugins = _probe(**{hook: impl})
    relay = plugins.for_tenant(_tenant())
    assert getattr(relay, hook)(tenant=_tenant(), **kwargs) is ANSWER
    other = Tenant(id=2, slug="other", name="Other", plugins=[], settings={})
    assert getattr(plugins.for_tenant(other), hook)(tenant=other, **kwargs) is not ANSWER


def test_hook_portique_password_policy():
    _first("portique_password_policy", lambda tenant: ANSWER)


def test_hook_portique_username_policy():
    _first("portique_username_policy", lambda tenant: ANSWER)


def test_hook_portique_session_policy():
    _first("portique_session_policy", lambda tenant: ANSWER)


def test_hook_portique_login_identifiers():
    _first("portique_login_identifiers", lambda tenant: ANSWER)


def test_hook_portique_registration_form():
    _first("portique_registration_form", lambda tenant: ANSWER)


def test_hook_portique_activation_policy():
    _first("portique_activation_policy", lambda tenant, user: ANSWER, user=None)


def test_hook_portique_account_users_policy():
    _first("portique_account_users_policy", lambda tenant, account: ANSWER, account=None)


async def test_hook_portique_export_user_data():
    from core.privacy.parts import ExportFile, ExportPart

    async def export(tenant: Tenant, user: Any, db: Any) -> list[ExportPart]:
        return [ExportPart("things", {"owner": user}, (ExportFile("a.pdf", "application/pdf", b"%PDF"),))]

    plugins = _probe(portique_export_user_data=export)
    [part] = await _answered(_only_probe(plugins, "portique_export_user_data", tenant=_tenant(), user="ada", db=None))
    assert part.name == "things"
    assert part.data == {"owner": "ada"}
    assert part.files[0].content == b"%PDF"
    assert plugins.hook_implemented("probe", "portique_export_user_data")


async def test_hook_portique_oidc_claims():
    plugins = _probe(portique_oidc_claims=lambda tenant, user, scopes, db: {"probe_level": len(scopes)})
    answers = plugins.for_tenant(_tenant()).portique_oidc_claims(
        tenant=_tenant(), user=None, scopes=["openid", "profile"], db=None
    )
    assert {"probe_level": 2} in [await _answered(answer) for answer in answers]


def test_hook_portique_api_routes():
    from core.api import ApiRoute

    async def hello(call: Any) -> None:
        return None

    route = ApiRoute("/probe/hello", hello, name="probe_hello")
    plugins = _probe(portique_api_routes=lambda tenant: [route])
    answers = plugins.for_tenant(_tenant()).portique_api_routes(tenant=_tenant())
    assert [route] in answers  # beside the core's own endpoints
    other = Tenant(id=2, slug="other", name="Other", plugins=[], settings={})
    assert [route] not in plugins.for_tenant(other).portique_api_routes(tenant=other)


async def test_hook_portique_deletion_rules():
    from core.privacy.rules import DeletionRule

    async def erase() -> dict[str, int]:
        return {"things_removed": 1}

    async def rules(tenant: Tenant, user: Any, db: Any) -> DeletionRule:
        return DeletionRule(refusal=None, keeps=("The invoices.",), removes=(f"The things of {user}.",), erase=erase)

    plugins = _probe(portique_deletion_rules=rules)
    rule = await _answered(_only_probe(plugins, "portique_deletion_rules", tenant=_tenant(), user="ada", db=None))
    assert rule.refusal is None
    assert rule.keeps == ("The invoices.",)
    assert rule.removes == ("The things of ada.",)
    assert rule.erase is not None
    assert await rule.erase() == {"things_removed": 1}
    assert plugins.hook_implemented("probe", "portique_deletion_rules")
