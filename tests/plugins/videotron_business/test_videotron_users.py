"""User management under "Your account": holder only, secondary users invited, technical users refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.api import ActionToken, Membership, User
from core.audit.models import AuditEvent
from core.testing import csrf_of, mail_text
from plugins.videotron_business.demo import DEMO_PASSWORD
from plugins.videotron_business.models import RegistryAuthorizedUser
from tests.plugins.videotron_business.conftest import post_form, sign_in, token_in

LUC = "luc.gagnon@boulangerie-stdenis.example"
SOPHIE = "sophie.roy@techniciens.example"


async def entry_id(portal, tenant, email: str) -> int:
    async with portal.database.session(tenant.id) as db:
        return await db.scalar(select(RegistryAuthorizedUser.id).where(RegistryAuthorizedUser.email == email))


async def holder(vclient):
    await sign_in(vclient, "marie.tremblay", DEMO_PASSWORD)
    await vclient.get("/locale/en_CA?next=/")  # Marie reads French; these tests read English
    return vclient


async def test_the_holder_sees_the_authorized_users(vclient):
    await holder(vclient)
    page = await vclient.get("/videotron/users")
    assert page.status_code == 200
    assert "Luc Gagnon" in page.text
    assert "Sophie Roy" in page.text
    assert "Not eligible" in page.text
    assert "Technical users cannot access the customer space." in page.text
    assert page.text.count("/invite") == 1  # only Luc can be invited
    assert 'href="/videotron/users"' in (await vclient.get("/")).text  # "Your account" in the navigation


async def test_signed_out_visitors_are_sent_to_login(vclient):
    response = await vclient.get("/videotron/users")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]


async def test_invite_a_secondary_user_from_the_registry(vclient, mailbox, portal, vtenant):
    await holder(vclient)
    luc = await entry_id(portal, vtenant, LUC)
    response = await post_form(vclient, f"/videotron/users/{luc}/invite", {}, page="/videotron/users")
    assert response.status_code == 303
    message = await mailbox.last(LUC)
    assert "/videotron/invitation/" in mail_text(message)
    assert "Marie Tremblay" in mail_text(message)
    page = await vclient.get("/videotron/users")
    assert "Invitation sent" in page.text


async def test_the_invitation_goes_through_the_core_with_its_audit_entries_and_a_five_day_link(
    vclient, mailbox, portal, vtenant
):
    await holder(vclient)
    luc = await entry_id(portal, vtenant, LUC)
    await post_form(vclient, f"/videotron/users/{luc}/invite", {}, page="/videotron/users")
    async with portal.database.session(vtenant.id) as db:
        user = await db.scalar(select(User).where(User.email_normalized == LUC))
        actions = list(await db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id))))
        token = await db.scalar(select(ActionToken).where(ActionToken.user_id == user.id))
    assert user.status == "invited"
    assert user.company  # the account's name, as the holder's registry gives it
    assert "identity.invited" in actions  # the core's entry
    assert "videotron_business.secondary_user_invited" in actions  # and the provider's
    assert token.purpose == "vb_invitation"
    assert abs(token.expires_at - token.created_at - timedelta(days=5)) < timedelta(seconds=1)
    assert "/videotron/invitation/" in mail_text(await mailbox.last(LUC))


async def test_the_portal_accesses_of_the_users_page_load_in_one_statement(vclient, portal, vtenant, queries):
    await holder(vclient)
    await vclient.get("/videotron/users")
    queries.clear()
    await vclient.get("/videotron/users")
    without_access = len(queries)
    luc = await entry_id(portal, vtenant, LUC)
    await post_form(vclient, f"/videotron/users/{luc}/invite", {}, page="/videotron/users")
    await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Ana", "last_name": "Lima", "email": "ana@example.com"},
        page="/videotron/users",
    )
    ana = await entry_id(portal, vtenant, "ana@example.com")
    await post_form(vclient, f"/videotron/users/{ana}/invite", {}, page="/videotron/users")
    await vclient.get("/videotron/users")
    queries.clear()
    page = await vclient.get("/videotron/users")
    assert page.text.count("Invitation sent") == 2
    assert len(queries) == without_access + 1  # the two invited users and their memberships at once


async def test_a_technical_user_cannot_be_invited_even_by_a_direct_request(vclient, mailbox, portal, vtenant):
    await holder(vclient)
    sophie = await entry_id(portal, vtenant, SOPHIE)
    response = await post_form(vclient, f"/videotron/users/{sophie}/invite", {}, page="/videotron/users")
    assert response.status_code == 303
    assert "Technical authorized users cannot access" in (await vclient.get("/videotron/users")).text
    assert await mailbox.messages(SOPHIE) == []
    added = await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Sophie", "last_name": "Roy", "email": SOPHIE.upper()},
        page="/videotron/users",
    )
    assert added.status_code == 400
    assert "technical authorized user" in added.text
    assert 'value="SOPHIE.ROY@TECHNICIENS.EXAMPLE"' in added.text
    assert await mailbox.messages(SOPHIE) == []


async def test_add_validation_errors_are_next_to_the_fields(vclient):
    await holder(vclient)
    response = await post_form(
        vclient, "/videotron/users/add", {"first_name": "", "last_name": "<b>", "email": "no"}, page="/videotron/users"
    )
    assert response.status_code == 400
    assert 'id="first_name-error"' in response.text
    assert 'id="last_name-error"' in response.text
    assert 'id="email-error"' in response.text


async def test_full_secondary_user_journey(vclient, tenant_client, vtenant, mailbox, portal):
    await holder(vclient)
    added = await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Kim", "last_name": "Ouellet", "email": "kim@boulangerie.example"},
        page="/videotron/users",
    )
    assert added.status_code == 303
    token = token_in(await mailbox.last("kim@boulangerie.example"), "invitation")
    kim = tenant_client(vtenant)
    kim.headers["Accept-Language"] = "en-CA"
    page = await kim.get(f"/videotron/invitation/{token}")
    assert page.status_code == 200
    assert "Kim Ouellet" in page.text
    bad = await kim.post(
        f"/videotron/invitation/{token}",
        data={"username": "kim", "password": "abcdef", "password_confirm": "abcdef", "csrf_token": csrf_of(page.text)},
    )
    assert "Your username must have 8 to 50 characters." in bad.text
    assert "Your password must contain at least one digit." in bad.text
    done = await kim.post(
        f"/videotron/invitation/{token}",
        data={
            "username": "kim.ouellet",
            "password": "Pain2026",
            "password_confirm": "Pain2026",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert done.status_code == 303
    home = await kim.get("/")
    assert "800100001" in home.text
    assert 'href="/videotron/users"' not in home.text  # no user management for secondary users
    assert (await kim.get("/videotron/users")).status_code == 403
    refused = await kim.post(
        "/videotron/users/add",
        data={"first_name": "X", "last_name": "Y", "email": "x@y.example", "csrf_token": csrf_of(home.text)},
    )
    assert refused.status_code == 403
    assert (await kim.get(f"/videotron/invitation/{token}")).status_code == 410  # single use
    # Kim signs in again later with the chosen username
    later = tenant_client(vtenant)
    await sign_in(later, "kim.ouellet", "Pain2026")
    async with portal.database.session(vtenant.id) as db:
        user = await db.scalar(select(User).where(User.username == "kim.ouellet"))
        membership = await db.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.role == "member"
    # the holder suspends, restores and removes Kim
    kim_entry = await entry_id(portal, vtenant, "kim@boulangerie.example")
    await post_form(vclient, f"/videotron/users/{kim_entry}/suspend", {}, page="/videotron/users")
    assert "Suspended" in (await vclient.get("/videotron/users")).text
    assert (await later.get("/tickets")).status_code == 303  # her open session ended at once
    assert "800100001" not in (await later.get("/")).text
    refused = await post_form(later, "/login", {"login": "kim.ouellet", "password": "Pain2026"}, own=False)
    assert refused.status_code == 200
    assert "Cet accès ne peut pas être utilisé." in refused.text
    await post_form(vclient, f"/videotron/users/{kim_entry}/suspend", {}, page="/videotron/users")
    await sign_in(later, "kim.ouellet", "Pain2026")  # restored: she signs in again
    assert "800100001" in (await later.get("/")).text
    removed = await post_form(vclient, f"/videotron/users/{kim_entry}/remove", {}, page="/videotron/users")
    assert removed.status_code == 303
    assert "<td>Kim Ouellet</td>" not in (await vclient.get("/videotron/users")).text
    assert "800100001" not in (await later.get("/")).text
    async with portal.database.session(vtenant.id) as db:
        assert (await db.get(User, user.id)).status == "disabled"


async def test_the_holder_cannot_touch_another_accounts_users(vclient, portal, vtenant):
    await holder(vclient)
    julie = await entry_id(portal, vtenant, "julie@garage-levesque.example")  # account 800100002
    for action in ("invite", "suspend", "remove"):
        response = await post_form(vclient, f"/videotron/users/{julie}/{action}", {}, page="/videotron/users")
        assert response.status_code == 404


async def test_the_holder_cannot_suspend_themself_or_unknown_entries(vclient):
    await holder(vclient)
    response = await post_form(vclient, "/videotron/users/999999/suspend", {}, page="/videotron/users")
    assert response.status_code == 404


async def test_an_email_already_in_use_cannot_be_invited(vclient):
    await holder(vclient)
    response = await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "M", "last_name": "T", "email": "marie.tremblay@boulangerie-stdenis.example"},
        page="/videotron/users",
    )
    assert response.status_code == 400
    assert "cannot be invited" in response.text


async def test_a_removed_secondary_user_can_be_invited_again(vclient, tenant_client, vtenant, mailbox, portal):
    await holder(vclient)
    luc = await entry_id(portal, vtenant, LUC)
    await post_form(vclient, f"/videotron/users/{luc}/invite", {}, page="/videotron/users")
    token = token_in(await mailbox.last(LUC), "invitation")
    luc_client = tenant_client(vtenant)
    page = await luc_client.get(f"/videotron/invitation/{token}")
    data = {"username": "luc.gagnon", "password": "Farine2026", "password_confirm": "Farine2026"}
    assert (
        await luc_client.post(f"/videotron/invitation/{token}", data={**data, "csrf_token": csrf_of(page.text)})
    ).status_code == 303
    await post_form(vclient, f"/videotron/users/{luc}/remove", {}, page="/videotron/users")
    again = await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Luc", "last_name": "Gagnon", "email": LUC},
        page="/videotron/users",
    )
    assert again.status_code == 303
    token = token_in(await mailbox.last(LUC), "invitation")
    back = tenant_client(vtenant)
    page = await back.get(f"/videotron/invitation/{token}")
    done = await back.post(f"/videotron/invitation/{token}", data={**data, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303  # the same username is still his
    assert "800100001" in (await back.get("/")).text


async def test_the_core_account_users_page_leads_to_user_management(vclient):
    await holder(vclient)
    response = await vclient.get("/account/users", follow_redirects=True)
    assert response.status_code == 200
    assert "User management" in response.text


async def test_a_suspended_secondary_user_is_refused_like_any_other_refusal(vclient, tenant_client, vtenant, mailbox):
    await holder(vclient)
    await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Kim", "last_name": "Ouellet", "email": "kim@boulangerie.example"},
        page="/videotron/users",
    )
    token = token_in(await mailbox.last("kim@boulangerie.example"), "invitation")
    kim = tenant_client(vtenant)
    page = await kim.get(f"/videotron/invitation/{token}")
    await kim.post(
        f"/videotron/invitation/{token}",
        data={
            "username": "kim.ouellet",
            "password": "Pain2026",
            "password_confirm": "Pain2026",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert (await kim.get("/tickets")).status_code == 200
    entry = next(p for p in await _entries(vtenant) if p.email == "kim@boulangerie.example")
    await post_form(vclient, f"/videotron/users/{entry.id}/suspend", {}, page="/videotron/users")
    # the session Kim had open no longer opens her tickets or a support request
    assert (await kim.get("/tickets")).status_code == 303
    assert "/login" in (await kim.get("/tickets")).headers["location"]
    for language, words in (
        ("fr-CA", "Cet accès ne peut pas être utilisé. Veuillez communiquer avec le service à la clientèle."),
        ("en-CA", "This access cannot be used. Please contact customer service."),
    ):
        again = tenant_client(vtenant)
        again.headers["Accept-Language"] = language
        refused = await post_form(again, "/login", {"login": "kim.ouellet", "password": "Pain2026"}, own=False)
        assert refused.status_code == 200
        assert words in refused.text
        assert (await again.get("/tickets")).status_code == 303


async def _entries(vtenant):
    from core.portal import get_portal

    async with get_portal().database.session(vtenant.id) as db:
        return list(await db.scalars(select(RegistryAuthorizedUser)))


async def test_an_invitation_accepted_after_a_suspension_keeps_the_access_suspended(
    vclient, tenant_client, vtenant, mailbox, portal
):
    await holder(vclient)
    await post_form(
        vclient,
        "/videotron/users/add",
        {"first_name": "Kim", "last_name": "Ouellet", "email": "kim@boulangerie.example"},
        page="/videotron/users",
    )
    token = token_in(await mailbox.last("kim@boulangerie.example"), "invitation")
    entry = await entry_id(portal, vtenant, "kim@boulangerie.example")
    await post_form(vclient, f"/videotron/users/{entry}/suspend", {}, page="/videotron/users")
    kim = tenant_client(vtenant)
    kim.headers["Accept-Language"] = "en-CA"
    page = await kim.get(f"/videotron/invitation/{token}")
    done = await kim.post(
        f"/videotron/invitation/{token}",
        data={
            "username": "kim.ouellet",
            "password": "Pain2026",
            "password_confirm": "Pain2026",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith("/login")
    assert "Your access is suspended" in (await kim.get("/login")).text
    assert (await kim.get("/tickets")).status_code == 303  # not signed in
    refused = await post_form(kim, "/login", {"login": "kim.ouellet", "password": "Pain2026"}, own=False)
    assert "This access cannot be used." in refused.text
    await post_form(vclient, f"/videotron/users/{entry}/suspend", {}, page="/videotron/users")  # restored
    later = tenant_client(vtenant)
    await sign_in(later, "kim.ouellet", "Pain2026")
    assert "800100001" in (await later.get("/")).text
