"""Registration: a newly created user's audit entry and ``registered`` event, then the way to an active access.

Every registration path goes through :func:`register_user`, the core's ``/register`` page and the
providers' own pages alike, so the same events (``registered``, then ``activated`` when the access
is ready) and audit entries (``identity.registered``, ``identity.activated``) follow every new user,
and the consent records of the tenant's current terms of use and privacy notice (``core.consent``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.audit.service import record as audit
from core.consent.documents import registration_documents
from core.consent.records import REGISTRATION, record_acceptance
from core.db.base import utcnow
from core.identity.approval import request_approval
from core.identity.firing import fire
from core.identity.flows import activate_user, send_confirmation, tell_already_registered
from core.identity.models import User, UserStatus
from core.identity.policies import ActivationPolicy
from core.identity.rules import activation_policy

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.requests import Request

    from core.tenancy.models import Tenant


ACTIVE_AT_ONCE = ActivationPolicy(email_confirmation=False, operator_approval=False)
"""The ``policy`` of a registration whose address and approval the provider proved another way."""


class Outcome(StrEnum):
    """Where a registration stands once :func:`register_user` returns."""

    CONFIRMATION = "confirmation"  # a confirmation link went to the address
    APPROVAL = "approval"  # the access waits for an operator
    ACTIVE = "active"  # the access is ready: the caller may sign the user in


async def register_user(
    db: AsyncSession,
    tenant: Tenant,
    user: User,
    *,
    request: Request | None = None,
    data: dict[str, Any] | None = None,
    policy: ActivationPolicy | None = None,
) -> Outcome:
    """Register ``user`` (just created with ``create_user``, in ``db``'s transaction; the caller commits).

    Records the acceptance of the tenant's current documents and of the plugins' own
    (``portique_consent_documents``; user, version, time, IP; audited
    ``consent.accepted``), audits ``identity.registered``, fires ``registered`` with ``data`` (the
    form's public values), then follows the activation policy: a confirmation link
    (``portique_send_confirmation`` lets a plugin send its own), the operators' queue, or
    activation at once (``activated``).

    :param policy: the activation to follow instead of the tenant's, for a provider that proved the
        address or got the approval another way (an activation link sent to the address on file,
        a signed and approved access request, a migrated account).
    """
    activation = policy or activation_policy(tenant, user)
    await db.flush()  # the user's id, for its consent records
    record_acceptance(db, tenant, user.id, registration_documents(tenant), via=REGISTRATION, request=request)
    audit(db, "identity.registered", request=request, tenant_id=tenant.id, subject_type="user", subject_id=user.id)
    await fire(db, tenant, "registered", user, data)
    if activation.email_confirmation:
        user.status = UserStatus.PENDING_EMAIL
        await send_confirmation(db, tenant, user)
        return Outcome.CONFIRMATION
    user.confirmed_at = user.confirmed_at or utcnow()
    if activation.operator_approval:
        await request_approval(db, tenant, user)
        return Outcome.APPROVAL
    await activate_user(db, tenant, user, notify=False)
    return Outcome.ACTIVE


async def answer_known_address(db: AsyncSession, tenant: Tenant, user: User, *, request: Request | None = None) -> None:
    """Someone registers with ``user``'s address: a new confirmation link if it waits for one, else a mail
    to the owner (sign-in and reset links). The page answers as for a new access (enumeration-safe)."""
    if user.status == UserStatus.PENDING_EMAIL:
        await send_confirmation(db, tenant, user)
    else:
        tell_already_registered(db, tenant, user)
    audit(
        db, "identity.register_existing", request=request, tenant_id=tenant.id, subject_type="user", subject_id=user.id
    )
