"""Browser journeys of "Delete my account": a Luminus customer in French and one in Dutch, on a 390 px phone,
export their data, then delete their account (the worker's job run after the grace period) and can no
longer sign in; a Vidéotron holder is told why the deletion is refused while secondary users remain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from core.db.base import utcnow
from core.privacy.carrying_out import carry_out_due_deletions
from core.privacy.models import DeletionRequest, DeletionStatus
from core.privacy.settings import DEFAULT_GRACE_DAYS
from core.testing import check_accessibility, horizontal_overflow, mail_links
from plugins.luminus_energy.demo import DEMO_PASSWORD
from plugins.videotron_business.demo import DEMO_PASSWORD as VIDEOTRON_PASSWORD
from tests.browser.test_luminus_journeys import _setup, _sign_in
from tests.browser.test_videotron import _host
from tests.browser.test_videotron import _setup as _videotron_setup

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

WORDS = {
    "fr_BE": {
        "export": "Exporter mes données",
        "kept": "conservés 7 ans",
        "delete": "Supprimer mon compte",
        "password": "Mot de passe actuel",
        "pending": "Votre compte va être supprimé",
        "refused": "Les informations de connexion sont incorrectes",
    },
    "nl_BE": {
        "export": "Mijn gegevens exporteren",
        "kept": "7 jaar bewaard",
        "delete": "Mijn account verwijderen",
        "password": "Huidig wachtwoord",
        "pending": "Uw account wordt verwijderd",
        "refused": "De aanmeldgegevens zijn onjuist",
    },
}


def _checked(page: Any) -> None:
    assert horizontal_overflow(page) == 0
    check_accessibility(page)


def _export_then_delete(run_async: Any, live_server: Any, page: Any, email: str, locale: str) -> None:
    words = WORDS[locale]
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, email, locale)

    page.goto(live_server.tenant_url("luminus", "/profile"))
    with page.expect_navigation():
        page.get_by_role("button", name=words["export"]).click()
    (mail,) = live_server.wait_for_mail("luminus", count=1, timeout=40)
    link = next(link for link in mail_links(mail) if "/profile/export/" in link)
    with page.expect_download():
        page.evaluate("url => { window.location.href = url; }", link)

    page.goto(live_server.tenant_url("luminus", "/profile"))
    page.get_by_role("link", name=words["delete"]).click()
    page.wait_for_url("**/profile/delete")
    assert words["kept"] in page.locator("main").inner_text()  # invoices and payments, for the legal period
    _checked(page)
    page.get_by_label(words["password"]).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    banner = page.locator("[data-deletion-pending]")
    assert words["pending"] in banner.inner_text()
    _checked(page)
    live_server.wait_for_mail("luminus", count=2, timeout=20)  # the mail with the cancel link

    with time_machine.travel(utcnow() + timedelta(days=DEFAULT_GRACE_DAYS, minutes=5), tick=True):
        run_async(carry_out_due_deletions)  # the live server's own worker may have taken it first
    assert run_async(_deletion_states) == [DeletionStatus.DONE]

    page.goto(live_server.tenant_url("luminus", "/profile"))
    assert "/login" in page.url  # the session ended
    page.fill("#login", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/login" in page.url
    assert words["refused"] in page.locator("main").inner_text()


async def _deletion_states(portal: Any) -> list[str]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(DeletionRequest.status)))


def test_fr_luminus_customer_exports_then_deletes_their_account(run_async, live_server, browser_page):
    _setup(run_async)
    _export_then_delete(run_async, live_server, browser_page, "pme@boulangerie-dupont.be", "fr_BE")


def test_nl_luminus_customer_exports_then_deletes_their_account(run_async, live_server, browser_page):
    _setup(run_async)
    _export_then_delete(run_async, live_server, browser_page, "info@bakkerij-peeters.be", "nl_BE")


def test_videotron_holder_is_told_why_while_secondary_users_remain(run_async, live_server, browser_page):
    _videotron_setup(run_async)
    page: Any = browser_page
    page.set_viewport_size(PHONE)
    page.goto(_host(live_server) + "/login")
    page.fill("#login", "marie.tremblay")
    page.fill("#password", VIDEOTRON_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()

    page.goto(_host(live_server) + "/profile/delete")

    refusal = page.locator("[data-deletion-refused]").inner_text()
    assert "il reste 1 utilisateur secondaire" in refusal
    assert "Gestion des utilisateurs" in refusal
    assert page.locator("#current_password").count() == 0
    _checked(page)
