"""« Changer votre montant d'acompte »: simulate without JavaScript, confirm, server-side refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from core.testing import mail_text
from plugins.luminus_energy.models import AdvanceChange, Contract
from tests.plugins.luminus_energy.helpers import csrf_of


async def advance_of(world, contract_id: int) -> Decimal:
    async with world.db() as db:
        return (await db.get(Contract, contract_id)).advance_amount


async def test_page_shows_the_projection_of_the_current_amount(world):
    customer, _contract = await world.customer()
    client = await world.client(customer)
    html = (await client.get("/luminus/advance/change")).text
    assert "Changer votre montant d" in html or "Change your advance amount" in html
    # cost 4 319,70 €, 9 advances of 300 paid, 3 to come → extra payment of 719,70 €
    assert "4\u202f319,70\u00a0€" in html or "4 319,70 €" in html.replace("\u202f", " ").replace("\u00a0", " ")
    assert "719,70" in html
    assert 'data-remaining="3"' in html
    assert 'src="/static/plugins/luminus_energy/advance.js"' in html


async def test_simulate_without_javascript_recomputes_on_the_server_and_changes_nothing(world):
    customer, contract = await world.customer()
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    response = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "600", "action": "simulate"},
    )
    assert response.status_code == 200
    assert "180,30" in response.text  # refund: 4319.70 − 2700 − 3 × 600
    assert await advance_of(world, contract.id) == Decimal("300")


async def test_confirm_saves_the_amount_keeps_history_and_mails_a_confirmation(world, mailbox):
    customer, contract = await world.customer()
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    response = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "540", "action": "confirm"},
    )
    assert response.status_code == 303
    assert await advance_of(world, contract.id) == Decimal("540")
    async with world.db() as db:
        change = await db.scalar(select(AdvanceChange).where(AdvanceChange.contract_id == contract.id))
    assert (change.old_amount, change.new_amount) == (Decimal("300"), Decimal("540"))
    text = mail_text(await mailbox.last())
    assert "540,00" in text
    assert "078 155 230" in text
    # a second change in the same month is refused, with its own explanation
    again = await client.get("/luminus/advance/change")
    assert 'data-refusal="already_changed"' in again.text
    refused = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(again.text), f"amount_{contract.id}": "400", "action": "confirm"},
    )
    assert refused.status_code == 303
    assert await advance_of(world, contract.id) == Decimal("540")


async def test_out_of_bounds_amount_is_refused_next_to_the_field_and_kept(world):
    customer, contract = await world.customer()
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    response = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "5000", "action": "confirm"},
    )
    assert response.status_code == 422
    assert f'id="amount_{contract.id}-error"' in response.text
    assert 'value="5000"' not in response.text or "5000" in response.text
    assert await advance_of(world, contract.id) == Decimal("300")
    bad = await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "abc", "action": "confirm"},
    )
    assert bad.status_code == 422


async def test_unpaid_invoice_refuses_even_a_forged_post(world):
    customer, contract = await world.customer(unpaid_last=True, today=date(2026, 10, 20))
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    assert 'data-refusal="unpaid"' in page.text
    assert f'name="amount_{contract.id}"' not in page.text
    await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "400", "action": "confirm"},
    )
    assert await advance_of(world, contract.id) == Decimal("300")


async def test_new_contract_is_refused_with_the_three_months_advice(world):
    customer, _contract = await world.customer(start=date(2026, 10, 15))
    client = await world.client(customer, locale="nl_BE")
    page = await client.get("/luminus/advance/change")
    assert 'data-refusal="too_short"' in page.text
    assert "078 155 230" in page.text
    assert "pme@luminus.be" in page.text


async def test_contract_ending_and_settlement_next_are_refused(world):
    customer, _ = await world.customer(end=date(2027, 1, 10))
    client = await world.client(customer)
    assert 'data-refusal="contract_ending"' in (await client.get("/luminus/advance/change")).text
    customer2, _ = await world.customer(start=date(2025, 12, 15))  # period ends 14 Dec 2026
    client2 = await world.client(customer2)
    assert 'data-refusal="next_is_settlement"' in (await client2.get("/luminus/advance/change")).text


async def test_user_without_customer_gets_an_explanation_not_a_crash(world):
    client = await world.client(None)
    response = await client.get("/luminus/advance")
    assert response.status_code == 403
    assert "078 155 230" in response.text


async def test_signed_out_visitor_is_sent_to_login(world, tenant_client):
    response = await tenant_client("luminus").get("/luminus/advance/change")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


async def test_monthly_limit_on_the_page_lifts_on_the_first_of_next_month(world, frozen):
    customer, contract = await world.customer()
    client = await world.client(customer)
    page = await client.get("/luminus/advance/change")
    await client.post(
        "/luminus/advance/change",
        data={"csrf_token": csrf_of(page.text), f"amount_{contract.id}": "540", "action": "confirm"},
    )
    frozen.move_to(datetime(2026, 11, 30, 22, 30, tzinfo=UTC), tick=False)  # 23:30 on 30 November in Brussels
    assert 'data-refusal="already_changed"' in (await client.get("/luminus/advance/change")).text
    frozen.move_to(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), tick=False)  # 00:30 on 1 December in Brussels
    page = await client.get("/luminus/advance/change")
    assert 'data-refusal="already_changed"' not in page.text
    assert f'name="amount_{contract.id}"' in page.text


async def test_a_new_index_feeds_the_simulation(world):
    customer, _contract = await world.customer()
    client = await world.client(customer)
    before = (await client.get("/luminus/advance/change")).text
    assert 'data-annual="12000"' in before
    readings = await client.get("/luminus/readings")
    register_id = readings.text.split('name="index_')[1].split('"')[0]
    point_id = readings.text.split("/luminus/readings/")[1].split("/add")[0]
    await client.post(
        f"/luminus/readings/{point_id}/add",
        data={"csrf_token": csrf_of(readings.text), "reading_date": "2026-11-26", f"index_{register_id}": "45000"},
    )
    after = (await client.get("/luminus/advance/change")).text
    assert 'data-annual="13758"' in after  # (45000 − 28000) × 365 / 451 days


async def test_without_index_history_the_contract_estimate_is_used(world):
    customer, _ = await world.customer(start=date(2026, 8, 1), annual=Decimal("9000"))
    client = await world.client(customer)
    page = (await client.get("/luminus/advance/change")).text
    assert 'data-annual="9000.0"' in page


async def test_when_every_change_is_refused_no_simulate_or_change_button_is_offered(world):
    customer, _contract = await world.customer(start=date(2026, 10, 15))  # too short, the only contract
    client = await world.client(customer)
    change = (await client.get("/luminus/advance/change")).text
    assert 'data-refusal="too_short"' in change
    assert "data-nothing-changeable" in change
    assert 'value="simulate"' not in change
    assert 'value="confirm"' not in change
    assert 'action="/luminus/advance/change"' not in change
    assert "pme@luminus.be" in change  # the seed's way out: contact us
    overview = (await client.get("/luminus/advance")).text
    assert "data-nothing-changeable" in overview
    assert 'href="/luminus/advance/change"' not in overview


async def test_one_changeable_contract_keeps_the_buttons(world):
    from plugins.luminus_energy.demo import Site, add_site
    from plugins.luminus_energy.models import Customer, Energy

    customer, _contract = await world.customer(end=date(2027, 1, 10))  # this one ends soon: refused
    async with world.db() as db:
        await add_site(
            db,
            await db.get(Customer, customer.id),
            Site(
                "54144880099999999",
                Energy.GAS,
                "Rue Haute 1",
                "1000",
                "Bruxelles",
                (("gas", 1.0),),
                "ELEC-PRO-FIX",
                date(2024, 3, 1),
            ),
            date(2026, 11, 26),
        )
        await db.commit()
    client = await world.client(customer)
    change = (await client.get("/luminus/advance/change")).text
    assert 'data-refusal="contract_ending"' in change
    assert 'value="simulate"' in change
    assert 'value="confirm"' in change
    assert "data-nothing-changeable" not in change
    assert 'href="/luminus/advance/change"' in (await client.get("/luminus/advance")).text
