"""Approvals queue: approve / reject with reason, the filing plugin hears it (async hook), the user is told."""

from __future__ import annotations

from sqlalchemy import select

from core.approvals.models import ApprovalRequest, ApprovalStatus
from core.audit.models import AuditEvent
from core.identity.models import User, UserStatus
from core.testing import csrf_of, mail_text
from tests.core.console.conftest import staff_login
from tests.core.ticketing.conftest import DECISIONS


async def _pending(portal, tenant, make_user, email: str, plugin: str = "identity", kind: str = "user_activation"):
    user = await make_user(tenant, email, status=UserStatus.PENDING_APPROVAL) if plugin == "identity" else None
    async with portal.database.session(tenant.id) as db:
        approval = ApprovalRequest(
            plugin=plugin,
            kind=kind,
            title=f"New account {email}",
            user_id=user.id if user else None,
            payload={"serial": "SN-123", "pdf_url": "https://portal.test/form.pdf", "evil": "javascript:alert(1)"},
        )
        db.add(approval)
        await db.commit()
    return user, approval


async def test_operator_approves_a_pending_account(operator_client, alpha, make_staff, make_user, portal, mailbox):
    user, approval = await _pending(portal, alpha, make_user, "new@example.com")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/approvals")
    assert "New account new@example.com" in page.text
    assert "SN-123" in page.text
    assert '<a href="https://portal.test/form.pdf"' in page.text
    assert 'href="javascript:' not in page.text
    response = await operator_client.post(
        f"/console/approvals/{approval.id}", data={"csrf_token": csrf_of(page.text), "decision": "approve"}
    )
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        stored = await db.get(ApprovalRequest, approval.id)
        refreshed = await db.get(User, user.id)
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "approval.approved"))
    assert stored.status == ApprovalStatus.APPROVED
    assert stored.decided_by == operator.id
    assert refreshed.status == UserStatus.ACTIVE
    assert event is not None
    assert event.actor_id == operator.id
    assert await mailbox.messages("new@example.com")
    assert "New account" not in (await operator_client.get("/console/approvals")).text
    # a second decision on the same request changes nothing
    again = await operator_client.post(
        f"/console/approvals/{approval.id}",
        data={"csrf_token": csrf_of(page.text), "decision": "reject", "reason": "late"},
    )
    assert again.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(ApprovalRequest, approval.id)).status == ApprovalStatus.APPROVED


async def test_reject_needs_a_reason_that_reaches_the_user(
    operator_client, alpha, make_staff, make_user, portal, mailbox
):
    user, approval = await _pending(portal, alpha, make_user, "no@example.com")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    csrf = csrf_of((await operator_client.get("/console/approvals")).text)
    await operator_client.post(f"/console/approvals/{approval.id}", data={"csrf_token": csrf, "decision": "reject"})
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(ApprovalRequest, approval.id)).status == ApprovalStatus.PENDING
    response = await operator_client.post(
        f"/console/approvals/{approval.id}",
        data={"csrf_token": csrf, "decision": "reject", "reason": "The serial number is not yours."},
    )
    assert response.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.REJECTED
    assert "The serial number is not yours." in mail_text(await mailbox.last("no@example.com"))


async def test_the_filing_plugin_hears_the_decision(operator_client, alpha, beta, make_staff, make_user, portal):
    DECISIONS.clear()
    _user, approval = await _pending(portal, alpha, make_user, "x@example.com", plugin="helpdesk_alpha", kind="access")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    csrf = csrf_of((await operator_client.get("/console/approvals")).text)
    await operator_client.post(
        f"/console/approvals/{approval.id}", data={"csrf_token": csrf, "decision": "reject", "reason": "Unsigned form"}
    )
    assert DECISIONS == [("helpdesk_alpha", "alpha", "access", "rejected", "Unsigned form")]


async def test_agents_and_other_tenants_cannot_decide(
    operator_client, alpha, beta, make_staff, make_user, portal, tenant_client
):
    _user, approval = await _pending(portal, alpha, make_user, "x@example.com")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    assert (await operator_client.get("/console/approvals")).status_code == 404
    operator = await make_staff("op@ops.test", role="operator")
    beta_client = tenant_client(beta)
    await staff_login(beta_client, operator)
    page = await beta_client.get("/console/approvals")
    assert "x@example.com" not in page.text
    response = await beta_client.post(
        f"/console/approvals/{approval.id}", data={"csrf_token": csrf_of(page.text), "decision": "approve"}
    )
    assert response.status_code == 404
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(ApprovalRequest, approval.id)).status == ApprovalStatus.PENDING


async def test_only_the_filing_plugin_hears_a_decision_and_only_where_the_tenant_enables_it(portal, alpha, beta):
    from core.console.approvals import notify_plugin

    DECISIONS.clear()
    for tenant, plugin in ((alpha, "helpdesk_alpha"), (beta, "helpdesk_beta"), (beta, "helpdesk_alpha")):
        async with portal.database.session(tenant.id) as db:
            approval = ApprovalRequest(plugin=plugin, kind="access", title="t", status=ApprovalStatus.APPROVED)
            db.add(approval)
            await db.flush()
            await notify_plugin(db, tenant, approval)
    # helpdesk_alpha is not enabled on beta: its request there reaches no plugin (neither alpha nor beta).
    assert DECISIONS == [
        ("helpdesk_alpha", "alpha", "access", "approved", ""),
        ("helpdesk_beta", "beta", "access", "approved", ""),
    ]
