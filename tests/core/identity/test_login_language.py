"""The language chosen before sign-in is kept at sign-in, and the pages offer to save it in the profile."""

from __future__ import annotations

from core.i18n.middleware import LOCALE_COOKIE
from tests.core.identity.identity_helpers import csrf_of, load_user, sign_in


async def _choose(client, code: str) -> None:
    response = await client.get(f"/locale/{code}?next=/login")
    assert response.status_code == 303


async def test_the_language_chosen_before_sign_in_wins_over_the_profiles(tenant, tenant_client, make_user):
    await make_user(tenant, locale="en")
    client = tenant_client(tenant)
    await _choose(client, "fr")
    assert (await sign_in(client, "ada@example.com")).status_code == 303
    home = await client.get("/profile")
    assert '<html lang="fr">' in home.text  # not silently switched to the profile's English
    assert 'data-locale-offer="fr"' in home.text
    assert "Enregistrer dans mon profil" in home.text  # the offer is translated


async def test_the_offer_saves_the_chosen_language_in_the_profile(tenant, tenant_client, make_user, portal):
    await make_user(tenant, locale="en")
    client = tenant_client(tenant)
    await _choose(client, "fr")
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile/sessions")
    saved = await client.post(
        "/profile/locale", data={"csrf_token": csrf_of(page.text), "action": "save", "next": "/profile/sessions"}
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/profile/sessions"
    assert (await load_user(portal, tenant, "ada@example.com")).locale == "fr"
    after = await client.get("/profile/sessions")
    assert "data-locale-offer" not in after.text
    assert '<html lang="fr">' in after.text


async def test_not_now_keeps_the_choice_for_the_session_and_the_profile_unchanged(
    tenant, tenant_client, make_user, portal
):
    await make_user(tenant, locale="en")
    client = tenant_client(tenant)
    await _choose(client, "fr")
    await sign_in(client, "ada@example.com")
    page = await client.get("/")
    dismissed = await client.post(
        "/profile/locale", data={"csrf_token": csrf_of(page.text), "action": "dismiss", "next": "https://evil.test/"}
    )
    assert dismissed.headers["location"] == "/"  # never an outside address
    assert (await load_user(portal, tenant, "ada@example.com")).locale == "en"
    after = await client.get("/profile")
    assert "data-locale-offer" not in after.text
    assert '<html lang="fr">' in after.text


async def test_without_a_choice_the_profiles_language_applies_and_nothing_is_offered(tenant, tenant_client, make_user):
    await make_user(tenant, locale="fr")
    client = tenant_client(tenant)
    client.headers["Accept-Language"] = "en"
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile")
    assert '<html lang="fr">' in page.text
    assert "data-locale-offer" not in page.text


async def test_the_same_choice_as_the_profile_offers_nothing(tenant, tenant_client, make_user):
    await make_user(tenant, locale="fr")
    client = tenant_client(tenant)
    await _choose(client, "fr")
    await sign_in(client, "ada@example.com")
    assert "data-locale-offer" not in (await client.get("/profile")).text


async def test_saving_the_profile_language_becomes_this_browsers_choice(tenant, tenant_client, make_user):
    await make_user(tenant, locale="en")
    client = tenant_client(tenant)
    await _choose(client, "fr")
    await sign_in(client, "ada@example.com")
    page = await client.get("/profile")
    saved = await client.post(
        "/profile",
        data={"csrf_token": csrf_of(page.text), "first_name": "Ada", "last_name": "King", "locale": "en"},
    )
    assert saved.status_code == 303
    assert client.cookies.get(LOCALE_COOKIE) == "en"  # the next sign-in in this browser starts in English
    assert "data-locale-offer" not in (await client.get("/profile")).text


async def test_the_offer_needs_a_signed_in_user_and_the_csrf_token(tenant, tenant_client, make_user):
    client = tenant_client(tenant)
    assert (await client.post("/profile/locale", data={"action": "save"})).status_code in (303, 403)
    await make_user(tenant, locale="en")
    await _choose(client, "fr")
    await sign_in(client, "ada@example.com")
    forged = await client.post("/profile/locale", data={"action": "save"})
    assert forged.status_code == 403
