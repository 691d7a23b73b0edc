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


async def test_an_operator_downloads_a_customers_archive_on_request(
    operator_client, alpha, beta, make_user, make_staff, portal
):
    import io
    import json
    import zipfile

    from sqlalchemy import select

    from core.audit.models import AuditEvent
    from core.testing import csrf_of

    ann = await make_user(alpha, "ann@example.com")
    await make_user(beta, "bea@example.com")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/privacy")
    assert "Export a customer" in page.text

    answer = await operator_client.post(
        "/console/privacy", data={"csrf_token": csrf_of(page.text), "tenant": alpha.id, "email": "ANN@example.com"}
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    assert answer.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        core = json.loads(archive.read("core.json"))
    assert core["profile"]["email"] == "ann@example.com"
    assert "bea@example.com" not in answer.content.decode("latin-1")
    async with portal.database.session(alpha.id) as db:
        entry = await db.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.export_by_operator"))
    assert entry.actor_id == operator.id
    assert entry.subject_id == str(ann.id)


async def test_the_export_form_says_what_is_wrong_next_to_the_field(
    operator_client, alpha, beta, make_user, make_staff
):
    from core.testing import csrf_of

    await make_user(beta, "bea@example.com")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/privacy")
    csrf = csrf_of(page.text)

    unknown = await operator_client.post(
        "/console/privacy", data={"csrf_token": csrf, "tenant": alpha.id, "email": "bea@example.com"}
    )
    assert unknown.status_code == 400
    assert "No customer of this tenant has this e-mail address." in unknown.text  # bea is beta's, not alpha's
    assert 'value="bea@example.com"' in unknown.text
    bad = await operator_client.post(
        "/console/privacy", data={"csrf_token": csrf, "tenant": alpha.id, "email": "not an address"}
    )
    assert bad.status_code == 400
    assert "valid e-mail address" in bad.text
    foreign = await operator_client.post(
        "/console/privacy", data={"csrf_token": csrf, "tenant": 999999, "email": "bea@example.com"}
    )
    assert foreign.status_code == 400
    assert "Choose one of your tenants." in foreign.text


async def test_the_export_needs_the_forms_token_and_an_operator(operator_client, alpha, make_user, make_staff):
    from core.testing import csrf_of

    await make_user(alpha, "ann@example.com")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    asked = {"tenant": alpha.id, "email": "ann@example.com"}
    assert (await operator_client.post("/console/privacy", data=asked)).status_code == 403  # no token

    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    csrf = csrf_of((await operator_client.get("/console/tickets")).text)
    assert (await operator_client.post("/console/privacy", data={**asked, "csrf_token": csrf})).status_code == 404
