"""Running a care action from a ticket: who the requester is, what is offered, and the run itself.

A run checks that the action is offered on this ticket (by its category's plugin or by the core),
calls it, and writes an audit event linked to the ticket and an internal note in its thread saying
what was done and by whom, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import record as audit
from core.i18n import gettext as _
from core.identity.models import Account, Membership, User
from core.identity.users import find_user_by_email
from core.plugins import flatten
from core.portal import get_portal
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.ticketing.care.actions import CareAction, CareContext, CareDone, CareRefusedError
from core.ticketing.models import Ticket
from core.ticketing.service import staff_reply


@dataclass(frozen=True)
class RequesterAccount:
    """The requester as customer care sees them: the user and their memberships with each account."""

    user: User
    memberships: list[tuple[Membership, Account]]


async def requester_of(db: AsyncSession, ticket: Ticket) -> User | None:
    """The ticket's requester: the signed-in author, else the tenant's user with the ticket's e-mail address."""
    if ticket.requester_user_id is not None:
        return await db.get(User, ticket.requester_user_id)
    return await find_user_by_email(db, ticket.requester_email) if ticket.requester_email else None


async def requester_account(db: AsyncSession, ticket: Ticket) -> RequesterAccount | None:
    """The requester's identity, status, memberships and last sign-in, or ``None`` for an unknown address."""
    user = await requester_of(db, ticket)
    if user is None:
        return None
    rows = (
        await db.execute(
            select(Membership, Account)
            .join(Account, Account.id == Membership.account_id)
            .where(Membership.user_id == user.id)
            .order_by(Membership.id)
        )
    ).all()
    return RequesterAccount(user, [(membership, account) for membership, account in rows])


def offered_actions(tenant: Tenant, ticket: Ticket) -> list[CareAction]:
    """The actions offered on ``ticket``: the plugins' for its category, then the core's; first code wins."""
    found: list[CareAction] = flatten(get_portal().hooks(tenant).portique_care_actions(tenant=tenant, ticket=ticket))
    unique: dict[str, CareAction] = {}
    for action in found:
        unique.setdefault(action.code, action)
    return list(unique.values())


async def run_care_action(
    db: AsyncSession,
    tenant: Tenant,
    ticket: Ticket,
    staff: Staff,
    code: str,
    values: Mapping[str, str],
    *,
    request: Request | None = None,
) -> CareDone:
    """Run the offered action ``code`` for the ticket's requester; answers what was done (the caller commits).

    :raises CareRefusedError: the action is not offered on this ticket, the requester has no user, or the
        action refused the values.
    """
    action = next((a for a in offered_actions(tenant, ticket) if a.code == code), None)
    if action is None:
        raise CareRefusedError(_("This action is not offered on this ticket."))
    user = await requester_of(db, ticket)
    if user is None:
        raise CareRefusedError(_("The requester has no user on this portal."))
    done = await action.run(CareContext(db, tenant, ticket, user, staff, values))
    audit(
        db,
        "ticket.care_action",
        request=request,
        tenant_id=tenant.id,
        actor_type="staff",
        actor_id=staff.id,
        subject_type="ticket",
        subject_id=ticket.reference,
        ticket_id=ticket.id,
        care_action=code,
        user_id=user.id,
    )
    note = _("Care action by %(name)s: %(done)s", name=staff.name, done=done.note)
    await staff_reply(db, tenant, ticket, staff, body=note, internal=True, status=None, request=request)
    return done
