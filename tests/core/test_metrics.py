"""``/metrics``: on the operator host only, behind the token when set, counting the domain's events."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.audit import record
from core.identity.models import UserStatus
from core.identity.users import create_user
from core.mail.service import queue_mail
from core.mail.worker import deliver_pending
from tests.core.identity.identity_helpers import PASSWORD, sign_in


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value (0 when the series does not exist yet)."""
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
async def operator(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://localhost"
    ) as client:
        yield client


@pytest.fixture
async def acme(make_tenant):
    return await make_tenant("acme")


async def test_the_operator_host_serves_the_families(operator, acme):
    response = await operator.get("/metrics")
    assert response.status_code == 200
    names = {family.name for family in text_string_to_metric_families(response.text)}
    for name in (
        "portique_requests",
        "portique_logins",
        "portique_outbox_messages",
        "portique_outbox_oldest_queued_seconds",
        "portique_process_resident_memory_bytes",
        "portique_job_runs",
    ):
        assert name in names


@pytest.mark.parametrize(
    ("base_url", "path"),
    [
        ("http://acme.localhost", "/metrics"),
        ("http://localhost", "/t/acme/metrics"),
        ("http://unknown.example", "/metrics"),
    ],
)
async def test_tenant_hosts_do_not_serve_metrics(app, acme, base_url, path):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=base_url
    ) as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert "portique_requests" not in response.text


async def test_the_bearer_token_guards_the_scrape(operator, portal):
    portal.settings.metrics_token = "s3cret-scrape-token"
    assert (await operator.get("/metrics")).status_code == 401
    wrong = await operator.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    assert (await operator.get("/metrics", headers={"Authorization": "Basic s3cret-scrape-token"})).status_code == 401
    right = await operator.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert right.status_code == 200
    assert "portique_requests_total" in right.text


async def test_sign_ins_are_counted_by_tenant_and_result(operator, acme, portal, tenant_client):
    async with portal.database.session(acme.id) as db:
        await create_user(db, email="ada@example.com", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    before = (await operator.get("/metrics")).text
    client = tenant_client(acme)
    await sign_in(client, "ada@example.com", "not the password")
    await sign_in(client, "ada@example.com")
    after = (await operator.get("/metrics")).text
    for result in ("ok", "failed"):
        assert value(after, "portique_logins_total", tenant="acme", result=result) == (
            value(before, "portique_logins_total", tenant="acme", result=result) + 1
        )


async def test_an_audit_event_rolled_back_counts_nothing(operator, acme, portal):
    before = (await operator.get("/metrics")).text
    async with portal.database.session(acme.id) as db:
        record(db, "ticket.opened", tenant_id=acme.id)
        await db.flush()
        await db.rollback()
    async with portal.database.session(acme.id) as db:
        record(db, "ticket.opened", tenant_id=acme.id)
        record(db, "approval.approved", tenant_id=acme.id)
        await db.commit()
    after = (await operator.get("/metrics")).text
    opened = "portique_tickets_opened_total"
    assert value(after, opened, tenant="acme") == value(before, opened, tenant="acme") + 1
    approved = {"tenant": "acme", "state": "approved"}
    assert value(after, "portique_approvals_total", **approved) == (
        value(before, "portique_approvals_total", **approved) + 1
    )


async def test_the_outbox_backlog_and_deliveries(operator, acme, portal):
    async with portal.database.session(acme.id) as db:
        for n in range(3):
            queue_mail(db, acme, f"user{n}@example.com", "identity/activated", {"user": None, "link": "/"})
        await db.commit()
    before = (await operator.get("/metrics")).text
    assert value(before, "portique_outbox_messages", status="queued") == 3
    assert value(before, "portique_outbox_oldest_queued_seconds") >= 0
    assert await deliver_pending(portal) == 3
    after = (await operator.get("/metrics")).text
    assert value(after, "portique_outbox_messages", status="queued") == 0
    assert value(after, "portique_outbox_messages", status="sent") == 3
    sent = {"tenant": "acme", "result": "sent"}
    assert value(after, "portique_outbox_deliveries_total", **sent) == (
        value(before, "portique_outbox_deliveries_total", **sent) + 3
    )
