"""Activation e-mail: sent only to the e-mail on file, 5-day single-use link, tenant-bound, enumeration-safe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.api import Membership, User
from core.audit.models import AuditEvent
from core.testing import csrf_of, mail_text
from plugins.videotron_business.demo import create_demo_data
from plugins.videotron_business.models import RegistryAccount
from tests.plugins.videotron_business.conftest import post_form, token_in

ON_FILE = "jean.levesque@garage-levesque.example"
SENT_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
GOOD = {"username": "jean.levesque", "password": "Garage2026", "password_confirm": "Garage2026", "holder": "y"}


async def request_activation(client, number: str = "800 100 002", **extra):
    return await post_form(client, "/videotron/activation", {"account_number": number, **extra})


async def test_the_mail_goes_to_the_address_on_file_only(vclient, mailbox):
    response = await request_activation(vclient, email="attacker@evil.example")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/videotron/activation/sent")
    messages = await mailbox.messages()
    assert [m["To"] for m in messages] == [ON_FILE]
    text = mail_text(messages[0])
    assert "/videotron/activate/" in text
    assert "5 days" in text or "5 jours" in text


async def test_unknown_and_known_numbers_get_the_same_answer(vclient, mailbox):
    known = await request_activation(vclient, "800100002")
    unknown = await request_activation(vclient, "999999999")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"]
    sent_known = await vclient.get(known.headers["location"])
    sent_unknown = await vclient.get(unknown.headers["location"])
    assert sent_known.text == sent_unknown.text
    assert len(await mailbox.messages()) == 1


async def test_registered_accounts_get_no_mail_but_the_same_answer(vclient, mailbox):
    response = await request_activation(vclient, "800100001")  # Marie already registered
    assert response.status_code == 303
    assert await mailbox.messages() == []


async def test_the_mail_is_in_the_language_of_the_request_when_none_was_chosen(
    vclient, tenant_client, vtenant, mailbox
):
    await request_activation(vclient)  # the English page
    message = await mailbox.last()
    assert message["Content-Language"] == "en-CA"
    assert "activation" in message["Subject"].lower()
    assert "Hello" in mail_text(message)
    french = tenant_client(vtenant)
    french.headers["Accept-Language"] = "fr-CA"
    await request_activation(french)
    message = await mailbox.last()
    assert message["Content-Language"] == "fr-CA"
    assert "Bonjour" in mail_text(message)


async def test_the_language_chosen_for_the_account_wins(vclient, portal, vtenant, mailbox):
    async with portal.database.session(vtenant.id) as db:
        account = await db.scalar(select(RegistryAccount).where(RegistryAccount.number == "800100002"))
        account.locale = "fr_CA"
        await db.commit()
    await request_activation(vclient)  # from the English page
    message = await mailbox.last()
    assert message["Content-Language"] == "fr-CA"
    assert "Bonjour" in mail_text(message)


async def test_invalid_account_number_is_reported_next_to_the_field(vclient):
    response = await request_activation(vclient, "abc")
    assert response.status_code == 200
    assert 'id="account_number-error"' in response.text
    assert 'value="abc"' in response.text


async def test_activation_requests_are_throttled_per_account(vclient, mailbox):
    for _ in range(5):
        await request_activation(vclient)
    assert len(await mailbox.messages()) == 3  # 3 a day, then silence (same page)


async def test_activation_requests_are_throttled_per_address(vclient):
    for index in range(10):
        await request_activation(vclient, f"99999{index:04d}")
    response = await request_activation(vclient, "800100002")
    assert response.status_code == 429


async def _link(vclient, mailbox) -> str:
    await request_activation(vclient)
    return token_in(await mailbox.last(), "activate")


async def test_link_opens_the_prefilled_form(vclient, mailbox):
    token = await _link(vclient, mailbox)
    page = await vclient.get(f"/videotron/activate/{token}")
    assert page.status_code == 200
    assert "800100002" in page.text
    assert ON_FILE in page.text
    assert 'value="jean.levesque"' in page.text  # the e-mail's local part, proposed
    assert "holder" in page.text.lower()


async def test_link_works_on_day_4_at_23_59(vclient, mailbox, portal, vtenant, time_machine):
    time_machine.move_to(SENT_AT, tick=False)
    token = await _link(vclient, mailbox)
    time_machine.move_to(SENT_AT + timedelta(days=4, hours=23, minutes=59), tick=False)
    page = await vclient.get(f"/videotron/activate/{token}")
    assert page.status_code == 200
    done = await vclient.post(f"/videotron/activate/{token}", data={**GOOD, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    home = await vclient.get("/")
    assert "800100002" in home.text  # signed in: the dashboard shows the account
    async with portal.database.session(vtenant.id) as db:
        user = await db.scalar(select(User).where(User.username == "jean.levesque"))
        assert user.email == ON_FILE
        assert user.status == "active"
        membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == "holder"
        actions = set(await db.scalars(select(AuditEvent.action)))
    assert {"videotron_business.activation_sent", "videotron_business.holder_registered"} <= actions


async def test_link_fails_on_day_5_plus_one_second_with_the_call_page(vclient, mailbox, time_machine):
    time_machine.move_to(SENT_AT, tick=False)
    token = await _link(vclient, mailbox)
    time_machine.move_to(SENT_AT + timedelta(days=5, seconds=1), tick=False)
    page = await vclient.get(f"/videotron/activate/{token}")
    assert page.status_code == 410
    assert "call Vidéotron Business customer service" in page.text
    assert "1 877 512-0911" in page.text  # the theme's customer-service number
    assert "resend" not in page.text.lower()
    assert "<form" not in page.text.split("<main", 1)[1]  # no resend button, no form
    posted = await vclient.post(f"/videotron/activate/{token}", data={**GOOD, "csrf_token": csrf_of(page.text)})
    assert posted.status_code == 410


async def test_expired_page_is_in_french_by_default(vtenant, tenant_client, mailbox, time_machine):
    client = tenant_client(vtenant)
    time_machine.move_to(SENT_AT, tick=False)
    token = await _link(client, mailbox)
    time_machine.move_to(SENT_AT + timedelta(days=6), tick=False)
    page = await client.get(f"/videotron/activate/{token}")
    assert page.status_code == 410
    assert "Service à la clientèle de Vidéotron Affaires" in page.text


async def test_link_cannot_be_used_twice(vclient, mailbox, tenant_client, vtenant):
    token = await _link(vclient, mailbox)
    page = await vclient.get(f"/videotron/activate/{token}")
    first = await vclient.post(f"/videotron/activate/{token}", data={**GOOD, "csrf_token": csrf_of(page.text)})
    assert first.status_code == 303
    other = tenant_client(vtenant)
    again = await other.get(f"/videotron/activate/{token}")
    assert again.status_code == 410
    assert "Ce lien a déjà été utilisé" in again.text  # a client without Accept-Language: French
    assert "Service à la clientèle de Vidéotron Affaires" in again.text


async def test_a_link_of_another_tenant_is_refused(vclient, mailbox, make_tenant, tenant_client, portal):
    token = await _link(vclient, mailbox)
    other = await make_tenant(
        "videotron2", plugins=["videotron_business"], locales=["fr_CA", "en_CA"], default_locale="fr_CA"
    )
    async with portal.database.session(other.id) as db:
        await create_demo_data(db)  # the same account number exists there too
        await db.commit()
    page = await tenant_client(other).get(f"/videotron/activate/{token}")
    assert page.status_code == 404
    assert "800100002" not in page.text


async def test_bad_input_keeps_what_was_typed_but_never_the_password(vclient, mailbox):
    token = await _link(vclient, mailbox)
    page = await vclient.get(f"/videotron/activate/{token}")
    data = {
        "username": "jean@garage",
        "password": "Secret#99",
        "password_confirm": "x",
        "csrf_token": csrf_of(page.text),
    }
    response = await vclient.post(f"/videotron/activate/{token}", data=data)
    assert response.status_code == 200
    assert 'value="jean@garage"' in response.text
    assert "Secret#99" not in response.text
    assert "= + &lt; &gt; # @" in response.text  # the forbidden-characters message, per field
    assert "Only the account holder may register" in response.text
    # the link is still usable after a refused attempt
    assert (await vclient.get(f"/videotron/activate/{token}")).status_code == 200


async def test_taken_username_is_refused(vclient, mailbox):
    token = await _link(vclient, mailbox)
    page = await vclient.get(f"/videotron/activate/{token}")
    data = {**GOOD, "username": "MARIE.Tremblay", "csrf_token": csrf_of(page.text)}
    response = await vclient.post(f"/videotron/activate/{token}", data=data)
    assert "not available" in response.text
