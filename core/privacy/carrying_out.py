"""The worker's job: carry out the deletions whose grace period is over (``privacy.carry_out_deletions``).

Each plugin's rule is asked again: a refusal now (the situation changed during the grace period)
stops the deletion (``refused``). Otherwise every plugin's ``erase`` and the core's part run in one
transaction, and the audit entry says what each did. A deletion is taken by one worker only
(``pending`` → ``done`` in one conditional update inside that transaction).
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit.service import record as audit
from core.db.base import utcnow
from core.identity.models import User
from core.portal import Portal
from core.privacy.deletion_asking import mark_pending
from core.privacy.deletion_rules import deletion_rules, refusals
from core.privacy.erasure import erase_core_data
from core.privacy.models import DeletionRequest, DeletionStatus
from core.tenancy.models import Tenant

log = logging.getLogger("portique.privacy")

BATCH = 20
"""Deletions carried out per run of the job; the rest wait for the next run."""


async def _claim(db: AsyncSession, deletion: DeletionRequest, status: DeletionStatus) -> bool:
    """Close ``deletion`` with ``status`` unless another worker already did."""
    result = await db.execute(
        update(DeletionRequest)
        .where(DeletionRequest.id == deletion.id, DeletionRequest.status == DeletionStatus.PENDING)
        .values(status=status, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 1))


async def carry_out(portal: Portal, db: AsyncSession, tenant: Tenant, deletion: DeletionRequest) -> DeletionStatus:
    """Delete (or refuse) one due deletion in ``db``'s transaction; the caller commits."""
    user = await db.get(User, deletion.user_id)
    assert user is not None  # the row cascades with the user, who is anonymised, never deleted
    rules = await deletion_rules(portal, tenant, user, db)
    refused = refusals(rules)
    status = DeletionStatus.REFUSED if refused else DeletionStatus.DONE
    if not await _claim(db, deletion, status):
        return DeletionStatus.PENDING
    outcome: dict[str, dict[str, int]] = {}
    if refused:
        mark_pending(user, None)
    else:
        for plugin_rule in rules:
            if plugin_rule.rule.erase is not None:
                outcome[plugin_rule.plugin] = await plugin_rule.rule.erase()
        outcome["core"] = await erase_core_data(portal, db, user)
    await db.execute(
        update(DeletionRequest)
        .where(DeletionRequest.id == deletion.id)
        .values(outcome={"refusals": refused} if refused else outcome)
        .execution_options(synchronize_session=False)
    )
    audit(
        db,
        "privacy.deletion_refused" if refused else "privacy.deletion_carried_out",
        tenant_id=tenant.id,
        actor_type="system",
        subject_type="user",
        subject_id=user.id,
        deletion=deletion.id,
        **({"refusals": refused} if refused else {"done": outcome}),
    )
    return status


async def carry_out_due_deletions(portal: Portal) -> int:
    """Carry out every deletion past its grace period, on every tenant; returns how many were done."""
    async with portal.database.session() as lookup:
        due = list(
            await lookup.execute(
                select(DeletionRequest.id, DeletionRequest.tenant_id)
                .where(DeletionRequest.status == DeletionStatus.PENDING, DeletionRequest.due_at <= utcnow())
                .order_by(DeletionRequest.due_at, DeletionRequest.id)
                .limit(BATCH)
            )
        )
    done = 0
    for deletion_id, tenant_id in due:
        try:
            async with portal.database.session(tenant_id) as db:
                tenant = await db.get(Tenant, tenant_id)
                deletion = await db.get(DeletionRequest, deletion_id)
                assert tenant is not None
                assert deletion is not None
                status = await carry_out(portal, db, tenant, deletion)
                await db.commit()
            done += status == DeletionStatus.DONE
        except Exception:
            log.exception("carrying out deletion %s failed; it is tried again on the next run", deletion_id)
    return done
