"""Dashboard (account overview, help block), help categories, theme, operator command, demo."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.api import Tenant
from core.cli import main
from core.commands import make_portal, run
from core.web.themes import load_theme
from plugins.videotron_business.demo import DEMO_PASSWORD, create_demo_data
from tests.plugins.videotron_business.conftest import sign_in


async def test_dashboard_shows_the_account_overview_and_help(vclient):
    await sign_in(vclient, "marie.tremblay", DEMO_PASSWORD)
    home = (await vclient.get("/")).text
    assert "800100001" in home
    assert "4321, rue Saint-Denis" in home
    assert "H2J 2L1" in home
    assert "514 555-0101" in home
    assert "Nous sommes là pour vous aider" in home  # Marie reads French
    assert 'href="/support/new/billing"' in home
    assert 'href="/support/new/technical"' in home
    assert "Espace client Affaires" in home
    assert "(Internet Affaires 400)" in home
    assert "(Téléphonie Affaires)" in home
    await vclient.get("/locale/en_CA?next=/")
    home = (await vclient.get("/")).text
    assert "We are here to help" in home
    assert "Business customer space" in home
    assert "(Business Internet 400)" in home  # the products' English names, not the French ones
    assert "(Business Telephony)" in home
    assert "Internet Affaires" not in home


async def test_help_categories(portal, vtenant, vclient):
    categories = portal.categories(vtenant)
    assert [c.code for c in categories] == ["billing", "technical", "access"]
    support = await vclient.get("/support")
    assert support.status_code == 200
    assert "For any general question about your bill" in support.text
    assert "report a problem with a service or with equipment" in support.text


async def test_theme_brand_and_contact(vclient):
    theme = load_theme("videotron")
    assert theme.space_name_for("fr_CA") == "Espace client Affaires"
    assert theme.space_name_for("en_CA") == "Business customer space"
    assert theme.colors["accent"].lower() == "#ffd200"
    page = await vclient.get("/register")
    assert "1 877 512-0911" in page.text
    assert "/static/themes/videotron/logo.svg" in page.text
    assert (await vclient.get("/static/themes/videotron/logo.svg")).status_code == 200
    assert (await vclient.get("/static/plugins/videotron_business/videotron.js")).status_code == 200


async def test_visitors_see_the_activation_link(vclient):
    home = await vclient.get("/")
    assert 'href="/videotron/activation"' in home.text


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def test_operator_sends_the_activation_email(cli):
    added = cli(
        "tenants",
        "add",
        "videotron",
        "--name",
        "Vidéotron Affaires",
        "--plugins",
        "videotron_business",
        "--locales",
        "fr_CA,en_CA",
        "--theme",
        "videotron",
    )
    assert added.exit_code == 0, added.output
    portal = make_portal()

    async def seed() -> None:
        async with portal.database.session() as db:
            tenant = await db.scalar(select(Tenant).where(Tenant.slug == "videotron"))
        async with portal.database.session(tenant.id) as db:
            await create_demo_data(db)
            await db.commit()

    run(portal, seed)
    sent = cli("videotron", "send-activation", "800 100 002")
    assert sent.exit_code == 0, sent.output
    assert "jean.levesque@garage-levesque.example" in sent.output
    refused = cli("videotron", "send-activation", "800100001")  # already registered
    assert refused.exit_code != 0
    assert "already" in refused.output
    unknown = cli("videotron", "send-activation", "123456789")
    assert unknown.exit_code != 0


async def test_visitor_home_explains_who_may_register(vtenant, tenant_client):
    home = (await tenant_client(vtenant).get("/")).text
    assert "Espace client Affaires" in home
    assert "Qui peut s’inscrire à l’Espace client Affaires?" in home
    assert "à l’exception des utilisateurs techniques autorisés" in home
    assert 'href="/videotron/activation"' in home
    assert 'href="/register"' in home


async def test_unsafe_requests_without_the_csrf_token_are_refused(vclient):
    await sign_in(vclient, "marie.tremblay", DEMO_PASSWORD)
    response = await vclient.post("/videotron/users/add", data={"first_name": "A", "last_name": "B", "email": "a@b.ca"})
    assert response.status_code == 403
    response = await vclient.post("/videotron/activation", data={"account_number": "800100002"})
    assert response.status_code == 403
