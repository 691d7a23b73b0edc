"""What the plugins enabled on a tenant say about deleting one user's account (``portique_deletion_rules``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from core.identity.models import User
from core.plugins import resolve_one
from core.portal import Portal
from core.privacy.rules import DeletionRule
from core.tenancy.models import Tenant

HOOK = "portique_deletion_rules"


@dataclass(frozen=True)
class PluginRule:
    """One plugin's answer, with the plugin's name."""

    plugin: str
    rule: DeletionRule


async def deletion_rules(portal: Portal, tenant: Tenant, user: User, db: AsyncSession) -> list[PluginRule]:
    """Each enabled plugin's :class:`DeletionRule` for ``user``, by plugin name (plugins without one left out)."""
    found = []
    for name in portal.plugins.enabled_names(tenant):
        if not portal.plugins.hook_implemented(name, HOOK):
            continue
        answer = await resolve_one(portal.plugins.call_plugin(name, HOOK, tenant=tenant, user=user, db=db))
        if isinstance(answer, DeletionRule):
            found.append(PluginRule(name, answer))
    return found


def refusals(rules: list[PluginRule]) -> list[str]:
    """The reasons the plugins give for refusing the deletion (empty: it may go ahead)."""
    return [r.rule.refusal for r in rules if r.rule.refusal]
