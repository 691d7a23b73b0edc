"""Registration without the activation e-mail: registry match, holder only, once per account, throttled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.api import Membership, User
from core.testing import csrf_of, mail_text
from tests.plugins.videotron_business.conftest import post_form, token_in

GOOD = {
    "account_number": "800 100 003",
    "username": "anh.nguyen",
    "postal_code": "j4k2t5",
    "email": "anh@cabinet-nguyen.example",
    "password": "Compta2026",
    "password_confirm": "Compta2026",
    "holder": "y",
}
MISMATCH = "do not match our records"


async def register(client, **changes):
    return await post_form(client, "/register", {**GOOD, **changes})


async def test_the_form_asks_for_the_seed_fields_and_the_holder_confirmation(vclient):
    page = await vclient.get("/register")
    assert page.status_code == 200
    text = page.text
    order = [
        text.index(f'name="{name}"') for name in ("account_number", "username", "postal_code", "email", "password")
    ]
    assert order == sorted(order)
    assert "Only the account holder may fill in this form." in text
    assert "usually pays the monthly bill" in text
    assert 'name="holder"' in text
    assert "/static/plugins/videotron_business/videotron.js" in text
    assert "<script>" not in text  # no inline script (CSP script-src 'self')


async def test_the_form_is_in_french_first(vtenant, tenant_client):
    page = await tenant_client(vtenant).get("/register")
    assert "Seul le titulaire du compte peut remplir ce formulaire." in page.text
    assert "Code postal de l’adresse de service" in page.text


async def test_a_holder_registers_and_confirms_the_email(vclient, mailbox, portal, vtenant):
    response = await register(vclient)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/videotron/registered")
    async with portal.database.session(vtenant.id) as db:
        user = await db.scalar(select(User).where(User.username == "anh.nguyen"))
        assert user.status == "pending_email"
        membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
        assert membership.role == "holder"
    confirm = await mailbox.last(GOOD["email"])
    assert "anh.nguyen" in mail_text(confirm)
    assert "Compta2026" not in mail_text(confirm)
    notice = await mailbox.last("anh.nguyen@cabinet-nguyen.example")  # the address on file is told
    assert "anh.nguyen" in mail_text(notice)
    token = token_in(confirm, "confirm")
    assert "800100003" not in (await vclient.get("/")).text  # not signed in yet
    page = await vclient.get(f"/videotron/confirm/{token}")
    assert page.status_code == 200
    done = await vclient.post(f"/videotron/confirm/{token}", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    home = await vclient.get("/")
    assert "800100003" in home.text
    assert "Cabinet Nguyen CPA" in home.text
    again = await vclient.get(f"/videotron/confirm/{token}")
    assert again.status_code == 410


async def test_wrong_number_and_wrong_postal_code_get_the_same_message(vclient):
    wrong_code = await register(vclient, postal_code="H2J 2L1")
    wrong_number = await register(vclient, account_number="800100099")
    for response in (wrong_code, wrong_number):
        assert response.status_code == 200
        assert MISMATCH in response.text
        assert "Compta2026" not in response.text  # never the password back
        assert 'value="anh@cabinet-nguyen.example"' in response.text  # what was typed is kept
    assert 'value="800100099"' in wrong_number.text


async def test_guessing_is_throttled_per_account_number(vclient):
    for code in ("H1A 1A1", "H1A 1A2", "H1A 1A3", "H1A 1A4", "H1A 1A5"):
        assert MISMATCH in (await register(vclient, postal_code=code)).text
    blocked = await register(vclient)  # even the right postal code now waits
    assert blocked.status_code == 429
    assert "Too many unsuccessful attempts" in blocked.text


async def test_guessing_is_throttled_per_address(vclient):
    for index in range(10):
        await register(vclient, account_number=f"70000{index:04d}")
    assert (await register(vclient)).status_code == 429


async def test_throttle_window_passes(vclient, time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)
    for code in ("H1A 1A1", "H1A 1A2", "H1A 1A3", "H1A 1A4", "H1A 1A5"):
        await register(vclient, postal_code=code)
    time_machine.move_to(datetime(2026, 11, 26, 10, 1, tzinfo=UTC), tick=False)
    assert (await register(vclient)).status_code == 303


async def test_only_one_holder_registration_per_account(vclient, tenant_client, vtenant):
    assert (await register(vclient)).status_code == 303
    second = tenant_client(vtenant)
    second.headers["Accept-Language"] = "en-CA"
    response = await register(second, username="autre.personne", email="autre@cabinet-nguyen.example")
    assert response.status_code == 200
    assert "An online access already exists for this account" in response.text
    marie = await register(
        second, account_number="800100001", postal_code="H2J 2L1", username="quelquun.autre", email="x@y.example"
    )
    assert "An online access already exists for this account" in marie.text


async def test_an_unconfirmed_registration_frees_the_account_after_five_days(
    vclient, tenant_client, vtenant, time_machine
):
    time_machine.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False)
    assert (await register(vclient)).status_code == 303
    time_machine.move_to(datetime(2026, 11, 25, 9, 0, 1, tzinfo=UTC), tick=False)
    other = tenant_client(vtenant)
    assert (await register(other)).status_code == 303  # same username and e-mail are free again


async def test_the_holder_must_confirm_being_the_holder(vclient):
    response = await register(vclient, holder="")
    assert "Only the account holder may register. Confirm that you are the holder." in response.text
    assert 'id="holder-error"' in response.text


async def test_an_email_as_username_gets_the_local_part_proposal(vclient):
    response = await register(vclient, username="anh.nguyen@cabinet-nguyen.example")
    assert "You could use anh.nguyen, the part before the @." in response.text
    assert 'value="anh.nguyen@cabinet-nguyen.example"' in response.text


async def test_each_password_rule_is_a_message_next_to_the_field(vclient):
    response = await register(vclient, password="@", password_confirm="@")
    for message in (
        "Your password must have 6 to 16 characters.",
        "Your password must contain at least one letter.",
        "Your password must contain at least one digit.",
        "Your password must not contain a space or any of these characters: = + &lt; &gt; # @",
    ):
        assert message in response.text


async def test_username_taken_case_insensitively(vclient):
    response = await register(vclient, username="Marie.TREMBLAY")
    assert "This username is not available" in response.text


async def test_postal_code_with_space_and_capitals_matches(vclient):
    assert (await register(vclient, postal_code="J4K 2T5")).status_code == 303


async def test_username_check_endpoint(vclient):
    taken = (await vclient.get("/videotron/username/check", params={"username": "marie.tremblay"})).json()
    assert taken["valid"] is True
    assert taken["available"] is False
    free = (await vclient.get("/videotron/username/check", params={"username": "nouveau.nom"})).json()
    assert free["available"] is True
    bad = (await vclient.get("/videotron/username/check", params={"username": "a@b"})).json()
    assert bad["valid"] is False
    assert len(bad["errors"]) == 2


async def test_registration_pages_do_not_exist_on_other_tenants(make_tenant, tenant_client, vtenant):
    other = await make_tenant("acme")
    assert (await tenant_client(other).get("/videotron/activation")).status_code == 404
    assert (await tenant_client(other).get("/videotron/users")).status_code == 404


async def test_confirmation_link_of_another_tenant_is_refused(vclient, mailbox, make_tenant, tenant_client):
    await register(vclient)
    token = token_in(await mailbox.last(GOOD["email"]), "confirm")
    other = await make_tenant(
        "videotron2", plugins=["videotron_business"], locales=["fr_CA", "en_CA"], default_locale="fr_CA"
    )
    assert (await tenant_client(other).get(f"/videotron/confirm/{token}")).status_code == 404


async def test_expired_confirmation_shows_the_call_page(vclient, mailbox, time_machine):
    time_machine.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=UTC), tick=False)
    await register(vclient)
    token = token_in(await mailbox.last(GOOD["email"]), "confirm")
    time_machine.move_to(datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(days=5, seconds=1), tick=False)
    page = await vclient.get(f"/videotron/confirm/{token}")
    assert page.status_code == 410
    assert "call Vidéotron Business customer service" in page.text


async def test_common_passwords_and_the_username_inside_are_refused(vclient):
    common = await register(vclient, password="password1", password_confirm="password1")
    assert "too common" in common.text
    personal = await register(vclient, password="anh.nguyen1", password_confirm="anh.nguyen1")
    assert "must not contain your e-mail address or username" in personal.text


async def test_a_missing_username_gets_the_local_part_proposal(vclient):
    response = await register(vclient, username="", email="anh.nguyen@cabinet-nguyen.example")
    assert "Choose a username." in response.text
    assert "Suggestion: anh.nguyen (the part of your e-mail address before the @" in response.text

    short = await register(vclient, username="")  # "anh" is too short to be proposed
    assert "Suggestion:" not in short.text.split('id="username-suggestion"')[0]


async def test_a_concurrent_second_registration_is_stopped_by_the_database(
    vclient, tenant_client, vtenant, monkeypatch, portal
):
    from plugins.videotron_business import accounts

    assert (await register(vclient)).status_code == 303

    async def nobody(db, number):  # the race: both requests checked before either committed
        return None

    monkeypatch.setattr(accounts, "holder_of", nobody)
    second = tenant_client(vtenant)
    second.headers["Accept-Language"] = "en-CA"
    response = await register(second, username="autre.personne", email="autre@cabinet-nguyen.example")
    assert response.status_code == 200
    assert "An online access already exists for this account" in response.text
    async with portal.database.session(vtenant.id) as db:
        assert await db.scalar(select(User).where(User.username == "autre.personne")) is None


async def test_an_address_that_already_has_an_access_gets_the_same_answer_and_its_owner_a_mail(
    vclient, tenant_client, vtenant, mailbox, portal
):
    taken = "marie.tremblay@boulangerie-stdenis.example"  # the demo holder of 800100001
    known = await register(vclient, email=taken)
    fresh = await register(tenant_client(vtenant), username="anh.autre", email="anh.autre@cabinet-nguyen.example")
    for response in (known, fresh):
        assert response.status_code == 303
        assert response.headers["location"] == "/videotron/registered"
    told = mail_text(await mailbox.last(taken))  # in Marie's language (French)
    assert "Quelqu’un a tenté de s’inscrire" in told
    assert "/password/forgot" in told
    async with portal.database.session(vtenant.id) as db:
        names = set(await db.scalars(select(User.username)))
    assert "anh.nguyen" not in names, "nothing is created for the known address"
    assert "anh.autre" in names
    assert "cannot be used for a new access" not in known.text


async def test_registration_attempts_are_throttled_per_address_whatever_the_answer(vclient):
    taken = "marie.tremblay@boulangerie-stdenis.example"
    answers = [(await register(vclient, email=taken)).status_code for _ in range(11)]
    assert answers == [303] * 10 + [429], answers


async def test_the_counters_are_the_core_throttles(vclient, portal):
    from core.api import get_throttle

    await register(vclient, postal_code="H1A 1A1")
    storage = get_throttle(portal).storage
    assert any("videotron_business" in str(key) for key in getattr(storage, "events", {})), "core throttle counted"


async def test_a_pending_address_registering_again_gets_the_same_answer_and_a_new_link(
    vclient, tenant_client, vtenant, mailbox
):
    assert (await register(vclient)).status_code == 303
    first = token_in(await mailbox.last(GOOD["email"]), "confirm")
    again = tenant_client(vtenant)
    again.headers["Accept-Language"] = "en-CA"
    other_account = {"account_number": "800 100 002", "postal_code": "G1K 3H1", "username": "quelquun.autre"}
    response = await register(again, **other_account)  # the address of Anh's pending registration
    assert response.status_code == 303
    assert response.headers["location"].endswith("/videotron/registered")
    second = token_in(await mailbox.last(GOOD["email"]), "confirm")
    assert second != first
    assert (await vclient.get(f"/videotron/confirm/{first}")).status_code == 410  # the older link stops working
    page = await vclient.get(f"/videotron/confirm/{second}")
    assert page.status_code == 200
    assert (
        await vclient.post(f"/videotron/confirm/{second}", data={"csrf_token": csrf_of(page.text)})
    ).status_code == 303
