"""Permissions, tenant isolation, audit events and demo data of the Luminus plugin."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.api import Membership, UserStatus, create_user, get_or_create_account, grant_membership
from core.audit.models import AuditEvent
from core.sessions.state import hash_session_id
from core.sessions.store import SessionData
from plugins.luminus_energy.demo import create_demo_data
from plugins.luminus_energy.models import Contract, Customer, Invoice
from tests.plugins.luminus_energy.conftest import NOW
from tests.plugins.luminus_energy.helpers import csrf_of


async def test_member_without_the_advance_permission_cannot_change_it(world):
    customer, contract = await world.customer()
    client = await world.client(customer)
    async with world.db() as db:
        membership = await db.scalar(select(Membership).where(Membership.user_id == world.last_user_id))
        membership.permissions = ["billing"]
        await db.commit()
    assert (await client.get("/luminus/advance")).status_code == 200  # reading is allowed
    page = await client.get("/luminus/advance/change")
    assert page.status_code == 403
    forged = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "540", "action": "confirm"},
    )
    assert forged.status_code == 403
    async with world.db() as db:
        assert (await db.get(Contract, contract.id)).advance_amount == Decimal("300")
    assert (await client.get("/luminus/invoices")).status_code == 200


async def test_advance_change_is_audited(world):
    customer, contract = await world.customer()
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "540", "action": "confirm"},
    )
    async with world.portal.database.session() as db:
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "luminus.advance_changed"))
    assert event.tenant_id == world.tenant.id
    assert event.actor_id == world.last_user_id
    assert event.subject_id == str(contract.id)


async def test_a_session_and_customer_of_another_tenant_are_worthless(world, make_tenant, tenant_client):
    other = await make_tenant(
        "luminus2", plugins=["luminus_energy"], locales=["fr_BE", "nl_BE"], default_locale="fr_BE"
    )
    customer, _ = await world.customer()
    async with world.db() as db:
        invoice = await db.scalar(select(Invoice).where(Invoice.customer_id == customer.id).limit(1))
    # a user of the other tenant whose account has the same customer number sees nothing of tenant 1
    async with world.portal.database.session(other.id) as db:
        user = await create_user(db, email="x@example.be", status=UserStatus.ACTIVE)
        account = await get_or_create_account(db, customer.number)
        await grant_membership(db, user, account, "holder", ["billing", "advance", "readings", "payment_method"])
        await db.commit()
        user_id = user.id
    raw = "s" + secrets.token_urlsafe(32)
    await world.portal.session_store.save(
        SessionData(id=hash_session_id(raw), tenant_id=other.id, expires_at=NOW + timedelta(days=1), user_id=user_id)
    )
    client = tenant_client("luminus2")
    client.headers["Cookie"] = f"portique_session={raw}"
    response = await client.get("/luminus/invoices")
    assert response.status_code == 403  # no customer on this tenant
    assert (await client.get(f"/luminus/invoices/{invoice.id}/pdf")).status_code == 403
    # and the session of tenant 2 does not sign in on tenant 1
    stolen = tenant_client("luminus")
    stolen.headers["Cookie"] = f"portique_session={raw}"
    assert (await stolen.get("/luminus/invoices")).status_code == 303


async def test_plugin_pages_do_not_exist_on_a_tenant_without_the_plugin(world, make_tenant, tenant_client):
    await make_tenant("plain", plugins=[])
    assert (await tenant_client("plain").get("/luminus/moving")).status_code == 404


async def test_demo_data_is_rich_and_idempotent(world):
    async with world.db() as db:
        accounts = await create_demo_data(world.tenant, db)
        await db.commit()
    async with world.db() as db:
        again = await create_demo_data(world.tenant, db)
        await db.commit()
        customers = list(await db.scalars(select(Customer)))
        invoices = list(await db.scalars(select(Invoice)))
    assert [a.login for a in accounts] == [a.login for a in again]
    assert len(customers) == 3
    assert {i.kind for i in invoices} >= {"advance", "settlement", "reminder_fee"}
    dupont = next(c for c in customers if c.number == "2000123456")
    client = await world.client(dupont)
    page = await client.get("/luminus/advance/change")
    assert page.text.count('class="field luminus-slider') == 2


async def test_the_tenant_backend_is_the_local_one_and_implements_the_protocol(world):
    from core.api import conformance_problems, service
    from plugins.luminus_energy.backend import LocalBackend, LuminusBackend

    backend = service(world.tenant, LuminusBackend)
    assert isinstance(backend, LocalBackend)
    assert conformance_problems(LuminusBackend, backend) == []


async def test_forged_posts_cannot_touch_another_customers_contract_or_skip_csrf(world):
    mine, my_contract = await world.customer()
    _theirs, their_contract = await world.customer()
    client = await world.client(mine)
    page = await client.get("/luminus/advance/change")
    await client.post(
        "/luminus/advance/change",
        data={
            "csrf_token": csrf_of(page.text),
            f"amount_{their_contract.id}": "999",
            f"amount_{my_contract.id}": "540",
            "action": "confirm",
        },
    )
    async with world.db() as db:
        assert (await db.get(Contract, their_contract.id)).advance_amount == Decimal("300")
        assert (await db.get(Contract, my_contract.id)).advance_amount == Decimal("540")
    for path in (
        "/luminus/advance/change",
        "/luminus/payment-method/direct-debit",
        "/luminus/payment-method/e-invoice",
    ):
        response = await client.post(path, data={"action": "confirm", f"amount_{my_contract.id}": "400"})
        assert response.status_code == 403, path
