"""The ticket page's care panel: the requester's account and the care actions offered on the ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import gettext as _
from core.identity.models import UserStatus
from core.tenancy.models import Tenant
from core.ticketing.care.service import offered_actions, requester_account
from core.ticketing.models import Ticket


def user_status_labels() -> dict[str, str]:
    """Translated statuses of a customer's user."""
    return {
        UserStatus.PENDING_EMAIL: _("Waiting for the e-mail confirmation"),
        UserStatus.PENDING_APPROVAL: _("Waiting for approval"),
        UserStatus.ACTIVE: _("Active"),
        UserStatus.REJECTED: _("Rejected"),
        UserStatus.DISABLED: _("Disabled"),
        UserStatus.INVITED: _("Invited"),
        UserStatus.SUSPENDED: _("Suspended"),
    }


async def care_panel(db: AsyncSession, tenant: Tenant, ticket: Ticket) -> dict[str, Any]:
    """The template values of the panel: ``care_account`` (``None`` for an unknown address), the actions
    offered (none without an account) with the values the ticket fills in, and the status names."""
    account = await requester_account(db, ticket)
    actions = offered_actions(tenant, ticket) if account is not None else []
    prefill = {
        (action.code, field.name): str(ticket.fields.get(field.prefill_from, "")) if field.prefill_from else ""
        for action in actions
        for field in action.inputs
    }
    return {
        "care_account": account,
        "care_actions": actions,
        "care_prefill": prefill,
        "user_status_labels": user_status_labels(),
    }
