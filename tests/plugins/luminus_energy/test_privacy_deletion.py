"""Luminus in "Delete my account": invoices and payments kept for the retention period, the rest that names
the person anonymised; a customer another portal user still shares, and other customers, untouched."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api import Role, UserStatus, create_user, get_or_create_account, grant_membership, hash_password
from core.identity.models import User
from plugins.luminus_energy.models import Customer, DirectDebitMandate, Invoice, Payment
from tests.core.privacy.deletion_helpers import after_grace, ask_for_deletion
from tests.plugins.luminus_energy.conftest import World

PASSWORD = "a long luminus password"


async def _with_password(world: World) -> int:
    async with world.db() as db:
        user = await db.get(User, world.last_user_id)
        assert user is not None
        user.password_hash = await hash_password(PASSWORD)
        await db.commit()
        return user.id


async def _mandate(world: World, customer: Customer, user_id: int) -> None:
    async with world.db() as db:
        db.add(
            DirectDebitMandate(
                customer_id=customer.id,
                reference=f"MANDATE-{customer.number}",
                iban="BE71096123456769",
                holder=customer.name,
                scope="all",
                signed_by_user_id=user_id,
            )
        )
        await db.commit()


async def _counts(world: World, customer: Customer) -> tuple[int, int]:
    async with world.db() as db:
        invoices = await db.scalar(select(func.count(Invoice.id)).where(Invoice.customer_id == customer.id))
        payments = await db.scalar(select(func.count(Payment.id)).where(Payment.customer_id == customer.id))
    return invoices or 0, payments or 0


async def _customer(world: World, customer: Customer) -> Customer:
    async with world.db() as db:
        found = await db.get(Customer, customer.id)
        assert found is not None
        return found


async def test_invoices_and_payments_stay_and_the_person_is_anonymised(world, portal, frozen):
    mine, _ = await world.customer(number="2000900001")
    other, _ = await world.customer(number="2000900002")
    await world.client(other)
    other_user = world.last_user_id
    client = await world.client(mine)
    user_id = await _with_password(world)
    await _mandate(world, mine, user_id)
    await _mandate(world, other, other_user)
    before = await _counts(world, mine)

    page = await client.get("/profile/delete")
    await ask_for_deletion(client, PASSWORD)
    assert await after_grace(portal, frozen) == 1

    assert "conservés 7 ans" in page.text
    assert before[0] > 0
    assert await _counts(world, mine) == before
    kept = await _customer(world, mine)
    assert (kept.number, kept.name, kept.email, kept.e_invoice_email) == ("2000900001", "Client 2000900001", "", "")
    async with world.db() as db:
        mandates = {m.customer_id: m for m in await db.scalars(select(DirectDebitMandate))}
        user = await db.get(User, user_id)
        neighbour = await db.get(User, other_user)
    assert (mandates[mine.id].iban, mandates[mine.id].holder, mandates[mine.id].active) == ("", "", False)
    assert mandates[other.id].iban == "BE71096123456769"
    assert (await _customer(world, other)).email == "c2000900002@example.be"
    assert user is not None
    assert user.status == UserStatus.DISABLED
    assert neighbour is not None
    assert neighbour.is_active


async def test_a_customer_shared_with_another_portal_user_keeps_its_contact_details(world, portal, frozen):
    shared, _ = await world.customer(number="2000900003")
    async with world.db() as db:
        colleague = await create_user(db, email="colleague@example.be", password=None, status=UserStatus.ACTIVE)
        account = await get_or_create_account(db, shared.number, name=shared.name)
        await grant_membership(db, colleague, account, Role.MEMBER, ["billing"])
        await db.commit()
    client = await world.client(shared)
    await _with_password(world)

    await ask_for_deletion(client, PASSWORD)
    assert await after_grace(portal, frozen) == 1

    assert (await _customer(world, shared)).email == "c2000900003@example.be"


async def test_the_rules_in_dutch(world, portal):
    mine, _ = await world.customer()
    client = await world.client(mine, locale="nl_BE")

    page = await client.get("/profile/delete")

    assert "7 jaar bewaard" in page.text
    assert "Mijn account verwijderen" in page.text
