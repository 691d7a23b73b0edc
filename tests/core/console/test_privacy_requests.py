"""The operators' privacy page: deletions and exports of every tenant with their state; agents get a 404."""

from __future__ import annotations

from datetime import timedelta

from core.db.base import utcnow
from core.privacy.models import DeletionRequest, DeletionStatus, ExportRequest, ExportStatus
from tests.core.console.conftest import staff_login


async def _requests(portal, tenant, user) -> None:
    async with portal.database.session(tenant.id) as db:
        db.add(DeletionRequest(user_id=user.id, due_at=utcnow() + timedelta(days=14)))
        db.add(
            DeletionRequest(
                user_id=user.id,
                due_at=utcnow(),
                status=DeletionStatus.DONE,
                closed_at=utcnow(),
                outcome={"core": {"memberships_removed": 1}},
            )
        )
        db.add(ExportRequest(user_id=user.id, status=ExportStatus.DOWNLOADED))
        await db.commit()


async def test_operators_see_the_deletions_and_exports_of_every_tenant_with_their_state(
    operator_client, alpha, beta, make_user, make_staff, portal
):
    ann = await make_user(alpha, "ann@example.com")
    bea = await make_user(beta, "bea@example.com")
    await _requests(portal, alpha, ann)
    await _requests(portal, beta, bea)
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)

    page = await operator_client.get("/console/privacy")

    assert page.status_code == 200
    assert page.text.count('data-kind="deletion"') == 4
    assert page.text.count('data-kind="export"') == 2
    assert 'data-status="pending"' in page.text
    assert "memberships_removed 1" in page.text
    assert "ann@example.com" in page.text
    assert "bea@example.com" in page.text


async def test_agents_get_a_404(operator_client, alpha, make_staff):
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)

    assert (await operator_client.get("/console/privacy")).status_code == 404
