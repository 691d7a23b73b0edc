"""Registration on the OMICRON tenant through the core pipeline: fields, serial checks, activation path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.api import ApprovalRequest, User, UserStatus
from core.testing import mail_text
from plugins.omicron_registration.models import ClaimedDevice, Device

from .conftest import first_link, register, sign_in


async def _user(portal, tenant, email):
    async with portal.database.session(tenant.id) as db:
        return await db.scalar(select(User).where(User.email_normalized == email.lower()))


async def test_register_page_shows_steps_serial_help_and_omicron_fields(omicron, tenant_client):
    page = await tenant_client(omicron).get("/register")
    assert page.status_code == 200
    for text in ("Serial number of one of your devices", "rating-plate.svg", "Company", "Country", "3. Verification"):
        assert text in page.text
    assert "/omicron/migrate" in page.text
    french = await tenant_client(omicron).get("/register", headers={"Accept-Language": "fr"})
    assert "Numéro de série de l’un de vos appareils" in french.text
    assert "Espace Client" in french.text
    german = await tenant_client(omicron).get("/register", headers={"Accept-Language": "de"})
    assert "Seriennummer eines Ihrer Geräte" in german.text
    assert "Kundenbereich" in german.text


async def test_each_missing_field_gets_its_own_message(omicron, registry, tenant_client):
    response = await register(tenant_client(omicron), company="", country="", serial_number="", accept_terms=None)
    assert response.status_code == 200
    for message in (
        "Enter the name of your company.",
        "Choose your country.",
        "Enter the serial number of one of your devices.",
        "You must accept the terms of use to register.",
    ):
        assert message in response.text
    assert 'value="eva.muster@acme.example"' in response.text  # what was typed is kept
    assert "Transformer-Test-2026" not in response.text  # never the password


async def test_badly_formatted_serial_is_refused_next_to_the_field(omicron, registry, tenant_client):
    response = await register(tenant_client(omicron), serial_number="AB1234")
    assert "two letters, three digits and one letter" in response.text
    assert 'value="AB1234"' in response.text


async def test_known_serial_is_activated_automatically_after_confirmation(
    portal, omicron, registry, tenant_client, mailbox
):
    client = tenant_client(omicron)
    response = await register(client)
    assert response.status_code == 303
    user = await _user(portal, omicron, "eva.muster@acme.example")
    assert user.status == UserStatus.PENDING_EMAIL
    assert user.plugin_data["omicron_registration"]["serial"] == "AB123Z"  # normalised
    assert user.company == "Acme GmbH"
    confirmed = await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    assert "verified automatically" in confirmed.text
    user = await _user(portal, omicron, "eva.muster@acme.example")
    assert user.status == UserStatus.ACTIVE
    async with portal.database.session(omicron.id) as db:
        claims = (await db.scalars(select(ClaimedDevice))).all()
        assert [c.user_id for c in claims] == [user.id]
        assert await db.scalar(select(ApprovalRequest.id)) is None
    signed = await sign_in(client, "evamuster")
    assert signed.status_code == 303


async def test_unknown_serial_goes_to_the_operator_with_the_registry_match(
    portal, omicron, registry, tenant_client, mailbox
):
    client = tenant_client(omicron)
    assert (await register(client, serial_number="ZZ999Z")).status_code == 303
    confirmed = await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    assert "This can take some time" in confirmed.text
    assert "/support/new/omicron_not_approved" in confirmed.text
    user = await _user(portal, omicron, "eva.muster@acme.example")
    assert user.status == UserStatus.PENDING_APPROVAL
    async with portal.database.session(omicron.id) as db:
        approval = await db.scalar(select(ApprovalRequest))
    assert approval.user_id == user.id
    assert approval.payload["Serial number"] == "ZZ999Z"
    assert approval.payload["Registry"] == "not in the registry"


async def test_serial_claimed_by_another_company_needs_approval(portal, omicron, registry, tenant_client, mailbox):
    first = tenant_client(omicron)
    await register(first, serial_number="CD456Y")
    await first.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    second = tenant_client(omicron)
    await register(second, email="max@other.example", username="maxother", company="Other AG", serial_number="CD456Y")
    await second.get(await first_link(mailbox, "max@other.example", "/confirm/"))
    user = await _user(portal, omicron, "max@other.example")
    assert user.status == UserStatus.PENDING_APPROVAL
    async with portal.database.session(omicron.id) as db:
        approval = await db.scalar(select(ApprovalRequest).where(ApprovalRequest.user_id == user.id))
    assert approval.payload["Already claimed by"] == "Acme GmbH"


async def test_manual_rule_sends_everyone_to_the_operator(portal, make_tenant, tenant_client, mailbox):
    tenant = await make_tenant(
        "omimanual",
        plugins=["omicron_registration"],
        settings={"omicron_registration": {"activation_rule": "manual"}},
    )
    async with portal.database.session(tenant.id) as db:
        db.add(Device(serial_number="CD456Y", product="CMC 356", family="cmc"))
        await db.commit()
    client = tenant_client(tenant)
    await register(client, serial_number="CD456Y")
    await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    assert (await _user(portal, tenant, "eva.muster@acme.example")).status == UserStatus.PENDING_APPROVAL


async def test_confirmation_link_works_on_day_13_and_not_after_14_days(
    portal, omicron, registry, tenant_client, mailbox, time_machine
):
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    client = tenant_client(omicron)
    await register(client)
    link = await first_link(mailbox, "eva.muster@acme.example", "/confirm/")
    await register(tenant_client(omicron), email="late@acme.example", username="latecomer")
    late_link = await first_link(mailbox, "late@acme.example", "/confirm/")
    time_machine.move_to(start + timedelta(days=13, hours=23), tick=False)
    assert "verified automatically" in (await client.get(link)).text
    time_machine.move_to(start + timedelta(days=14, minutes=1), tick=False)
    expired = await client.get(late_link)
    assert "expired" in expired.text
    assert (await _user(portal, omicron, "late@acme.example")).status != UserStatus.ACTIVE


async def test_legacy_email_on_the_registration_page_sends_a_migration_mail(
    portal, omicron, registry, tenant_client, mailbox
):
    response = await register(tenant_client(omicron), email="OLD.USER@example.com", username="somebody")
    assert response.status_code == 303  # the answer of any registration: the address is not told apart
    assert response.headers["location"].endswith("/register/done")
    mail = await mailbox.last("Old.User@Example.com")
    assert "olduser" in mail_text(mail)
    assert "7 days" in mail_text(mail)
    assert await first_link(mailbox, "Old.User@Example.com", "/omicron/migrate/")
    assert await _user(portal, omicron, "old.user@example.com") is None


async def test_legacy_username_is_reserved_for_its_owner(omicron, registry, tenant_client):
    response = await register(tenant_client(omicron), username="OldUser")
    assert response.status_code == 200
    assert "This username is not available" in response.text


async def test_keep_me_signed_in_carries_the_shared_computer_warning(omicron, tenant_client):
    page = await tenant_client(omicron).get("/login")
    assert "12 hours" in page.text
    assert "shared computers" in page.text
    french = await tenant_client(omicron).get("/login", headers={"Accept-Language": "fr"})
    assert "cybercafés" in french.text


async def test_french_errors_are_translated(omicron, registry, tenant_client):
    client = tenant_client(omicron)
    await client.get("/locale/fr?next=/")
    response = await register(client, serial_number="AB1234", company="")
    assert "Le numéro de série comporte deux lettres, trois chiffres et une lettre" in response.text
    assert "Saisissez le nom de votre société." in response.text


async def test_an_expired_registration_frees_the_email(portal, omicron, registry, tenant_client, mailbox, time_machine):
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    await register(tenant_client(omicron), password="Old-Password-4711", password_confirm="Old-Password-4711")
    time_machine.move_to(start + timedelta(days=13), tick=False)
    client = tenant_client(omicron)
    await register(client, username="evanew")  # within 14 days: the first registration still holds the address
    assert (await _user(portal, omicron, "eva.muster@acme.example")).username == "evamuster"
    time_machine.move_to(start + timedelta(days=14, hours=1), tick=False)
    assert (await register(client, username="evanew", first_name="Evelyn")).status_code == 303
    user = await _user(portal, omicron, "eva.muster@acme.example")
    assert (user.username, user.first_name) == ("evanew", "Evelyn")
    await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    assert (await sign_in(tenant_client(omicron), "evanew")).status_code == 303


CARE = 'href="mailto:customer.care@omicronenergy.com?subject='


@pytest.mark.parametrize(
    ("language", "screenshot", "spam"),
    [
        ("en", "with a screenshot of the error message", "Not in your spam folder either?"),
        ("de", "mit einem Bildschirmfoto der Fehlermeldung", "Auch nicht im Spam-Ordner?"),
        ("fr", "avec une capture d’écran du message d’erreur", "Pas non plus dans votre courrier indésirable\u202f?"),
    ],
)
async def test_expired_link_and_no_mail_pages_give_the_customer_care_address(
    portal, omicron, registry, tenant_client, mailbox, time_machine, language, screenshot, spam
):
    """FAQ 1.6 and 1.7: no mail, or a link that does not work: write to customer care (with a screenshot)."""
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    client = tenant_client(omicron)
    await client.get(f"/locale/{language}?next=/")
    done = await register(client)
    page = await client.get(done.headers["location"])
    assert CARE in page.text
    assert spam in page.text
    time_machine.move_to(start + timedelta(days=15), tick=False)
    expired = await client.get(await first_link(mailbox, "eva.muster@acme.example", "/confirm/"))
    assert expired.status_code == 410
    assert CARE in expired.text
    assert screenshot in expired.text
    broken = await client.get("/confirm/" + "x" * 43)
    assert CARE in broken.text
    assert screenshot in broken.text
    for path in ("/omicron/migrate/sent", "/password/forgot/sent"):
        assert CARE in (await client.get(path)).text, path
