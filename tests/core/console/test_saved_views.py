"""Saved queue views: an agent saves the queue's filters under a name and applies them in one click;
operators may share theirs; nobody deletes another's view or sees a view of a tenant not theirs."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.console.saved_views.models import SavedView
from core.testing import csrf_of
from tests.core.console.conftest import staff_login
from tests.core.console.test_console_tickets import make_ticket


async def views(portal) -> list[SavedView]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(SavedView).order_by(SavedView.id)))


async def test_agent_saves_applies_and_deletes_a_view(operator_client, alpha, beta, make_staff, portal):
    await make_ticket(portal, alpha, subject="Alpha waiting")
    agent = await make_staff("agent@ops.test", tenants=[alpha, beta])
    await staff_login(operator_client, agent)
    queue = await operator_client.get(f"/console/tickets?tenant={alpha.id}&status=new&assignee=me&after=zzz")
    assert "No saved view yet" in queue.text
    assert f'<input type="hidden" name="tenant" value="{alpha.id}">' in queue.text
    assert 'name="after"' not in queue.text.split('action="/console/tickets/views"', 1)[1].split("</form>")[0]
    saved = await operator_client.post(
        "/console/tickets/views",
        data={
            "csrf_token": csrf_of(queue.text),
            "name": "My new alpha tickets",
            "tenant": str(alpha.id),
            "status": "new",
            "assignee": "me",
            "after": "zzz",
            "shared": "y",  # an agent cannot share
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/console/tickets?tenant={alpha.id}&status=new&assignee=me"
    [view] = await views(portal)
    assert (view.name, view.filters, view.shared) == (
        "My new alpha tickets",
        {"tenant": str(alpha.id), "status": "new", "assignee": "me"},
        False,
    )
    page = await operator_client.get("/console/tickets")
    link = f'href="/console/tickets?tenant={alpha.id}&amp;status=new&amp;assignee=me">My new alpha tickets</a>'
    assert link in page.text
    # saving the same name again replaces the view
    again = await operator_client.post(
        "/console/tickets/views",
        data={"csrf_token": csrf_of(page.text), "name": "My new alpha tickets", "sla": "breached"},
    )
    assert again.status_code == 303
    [view] = await views(portal)
    assert view.filters == {"sla": "breached"}
    deleted = await operator_client.post(
        f"/console/tickets/views/{view.id}/delete", data={"csrf_token": csrf_of(page.text)}
    )
    assert deleted.status_code == 303
    assert await views(portal) == []
    async with portal.database.session() as db:
        logged = list(await db.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "saved_view")))
    assert logged == ["console.view_saved", "console.view_saved", "console.view_deleted"]


async def test_a_name_is_required_and_the_error_stays_next_to_it(operator_client, alpha, make_staff, portal):
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    queue = await operator_client.get("/console/tickets?status=waiting")
    refused = await operator_client.post(
        "/console/tickets/views",
        data={"csrf_token": csrf_of(queue.text), "name": "x" * 81, "status": "waiting"},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 400
    assert 'id="name-error"' in refused.text
    assert "Vues enregistrées" in refused.text
    assert "x" * 81 in refused.text  # what was typed
    assert '<option value="waiting" selected>' in refused.text  # the queue still shows the filters
    empty = await operator_client.post(
        "/console/tickets/views", data={"csrf_token": csrf_of(queue.text), "name": "   "}
    )
    assert empty.status_code == 400
    assert await views(portal) == []


async def test_csrf_and_other_peoples_views(operator_client, alpha, beta, make_staff, portal, tenant_client):
    operator = await make_staff("op@ops.test", role="operator")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/tickets")
    csrf = csrf_of(page.text)
    assert (await operator_client.post("/console/tickets/views", data={"name": "No token"})).status_code == 403
    for name, tenant in (("Everyone's breached", None), ("Beta queue", beta), ("Alpha queue", alpha)):
        data = {"csrf_token": csrf, "name": name, "shared": "y", "sla": "breached"}
        if tenant is not None:
            data["tenant"] = str(tenant.id)
        assert (await operator_client.post("/console/tickets/views", data=data)).status_code == 303
    private = await operator_client.post(
        "/console/tickets/views", data={"csrf_token": csrf, "name": "Operator only", "status": "open"}
    )
    assert private.status_code == 303
    shared = {v.name: v for v in await views(portal)}
    assert shared["Beta queue"].shared
    assert not shared["Operator only"].shared
    # the agent sees the shared views of its tenants, not the operator's own, and cannot delete them
    agent_client = tenant_client(alpha)
    await staff_login(agent_client, agent)
    queue = await agent_client.get("/console/tickets")
    assert "Everyone&#39;s breached" in queue.text  # escaped like every name
    assert "Alpha queue" in queue.text
    assert "Beta queue" not in queue.text
    assert "Operator only" not in queue.text
    assert f"/console/tickets/views/{shared['Alpha queue'].id}/delete" not in queue.text
    refused = await agent_client.post(
        f"/console/tickets/views/{shared['Alpha queue'].id}/delete", data={"csrf_token": csrf_of(queue.text)}
    )
    assert refused.status_code == 404
    assert (
        await operator_client.post(f"/console/tickets/views/{shared['Alpha queue'].id}/delete", data={})
    ).status_code == 403
    assert len(await views(portal)) == 4
