"""Every journey page on a 390×844 phone, in every theme: nothing wider than the screen, a compact header,
and axe clean with colour contrast, on the demo data that ``portique demo`` seeds.

Each portal's run signs in with every account ``portique demo`` prints, follows the links of each page
(every kind of page once per portal; a provider's own pages once per account, as their content depends
on the customer), and checks each page. A desktop pass then runs axe again where link-styled buttons
stand in a page (the ✕ of a row, "request a copy", "ask to cancel"). The console pages are checked in
the default theme on the operator host, and in each portal's theme on its own console; they include
the reply macros (``/console/macros``, the demo's macro of each language), the queue's saved views,
the staff pages with their forms sent empty and the set-password page of a new staff member, and the
privacy pages ("Delete my account" in each portal, the operators' ``/console/privacy``). The rating
page, reached only from a resolution mail, is walked on its own in every theme.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from core.cli import main
from core.console.demo import AGENT as DEMO_AGENT
from core.identity.models import UserStatus
from core.identity.users import create_user, find_user_by_email, find_user_by_username
from core.staff.links import issue_link
from core.staff.models import Staff
from core.tenancy.service import create_tenant
from core.testing import LiveServer, accessibility_problems, horizontal_overflow, tenant_by_slug
from core.ticketing.categories import TicketCategory
from core.ticketing.satisfaction import rating_links
from core.ticketing.service import open_ticket

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
COMPACT_HEADER_PX = 120  # brand, space name and the menu button: never the whole navigation
# Visited without a link leading there: the signed-out entry points, a missing page, and the
# providers' own signed-out pages (each portal answers the others' with its "page not found").
SIGNED_OUT = ("/", "/login", "/register", "/password/forgot", "/confirm/resend", "/support", "/nowhere")
PROVIDER_SIGNED_OUT = {"videotron": ("/videotron/activation",), "omicron": ("/omicron/migrate",)}
# Links that leave the page's journey: downloads, sign-out, language switches, the dev mailbox.
NOT_A_PAGE = re.compile(r"/(locale|logout|dev/mail)(/|$)|/download$|/pdf$|\.(pdf|xlsx|csv|zip)$|/attachments/")
CORE_SEGMENTS = {"", "login", "register", "password", "confirm", "profile", "support", "tickets", "account", "console"}
ACCOUNT = re.compile(r"^  - (?P<login>\S+) / (?P<password>\S+): (?P<note>.*)$")
HEADING = re.compile(r"^(?P<name>.+) \((?P<slug>[a-z0-9-]+)\)$")
OPERATOR = re.compile(r"^Operator console: \S+\s+(?P<login>\S+) / (?P<password>\S+)$")


@dataclass
class DemoAccount:
    """A sign-in printed by ``portique demo``."""

    login: str
    password: str
    console: bool


@dataclass
class Demo:
    """What ``portique demo`` printed: the accounts of each portal and the operator."""

    accounts: dict[str, list[DemoAccount]] = field(default_factory=dict)
    operator: tuple[str, str] = ("", "")
    staff_link: str = ""  # a set-password link of the demo agent (the page a new staff member opens)


def _parse_demo(output: str) -> Demo:
    demo, slug = Demo(), ""
    for line in output.splitlines():
        if heading := HEADING.match(line):
            slug = heading["slug"]
            demo.accounts[slug] = []
        elif (account := ACCOUNT.match(line)) and slug and account["password"] != "-":
            demo.accounts[slug].append(
                DemoAccount(account["login"], account["password"], "/console" in account["note"])
            )
        elif operator := OPERATOR.match(line):
            demo.operator = (operator["login"], operator["password"])
    return demo


def _run_demo_command(server: LiveServer) -> Demo:
    """``portique demo`` against the live server's database (in a thread: Playwright holds this one's loop)."""
    env = {
        "PORTIQUE_DATABASE_URL": server.settings.database_url,
        "PORTIQUE_VAR_DIR": str(server.settings.var_dir),
        "PORTIQUE_PUBLIC_URL": server.url,
    }
    with ThreadPoolExecutor(max_workers=1) as pool:
        result: Result = pool.submit(CliRunner().invoke, main, ["demo"], env=env, catch_exceptions=False).result()
    assert result.exit_code == 0, result.output
    demo = _parse_demo(result.output)
    assert set(demo.accounts) == {"lumen", "luminus", "omicron", "videotron"}, result.output
    return demo


def _seed(run_async: Any, server: LiveServer) -> tuple[Demo, str]:
    """The demo portals, a support request of each portal's first customer, and a default-theme portal.

    Returns what the demo printed and a fresh two-step secret of the demo operator: the console's
    pages are measured here, its sign-in is tested in tests/core/console.
    """
    demo = _run_demo_command(server)
    secret = pyotp.random_base32()

    async def body(portal: Any) -> None:
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en", "fr"], default_locale="en")
            operator = await db.scalar(select(Staff).where(Staff.email == demo.operator[0]))
            assert operator is not None
            operator.totp_secret = secret
            agent = await db.scalar(select(Staff).where(Staff.email == DEMO_AGENT))
            assert agent is not None
            demo.staff_link = "/console/password/" + await issue_link(db, agent)
            await db.commit()
        demo.accounts["acme"] = [DemoAccount("ada@acme.example", "a long passphrase 2026", console=False)]
        for slug, accounts in demo.accounts.items():
            tenant = await tenant_by_slug(portal, slug)
            async with portal.database.session(tenant.id) as db:
                if slug == "acme":
                    await create_user(
                        db, email=accounts[0].login, password=accounts[0].password, status=UserStatus.ACTIVE
                    )
                categories = portal.categories(tenant)
                if not categories:  # a portal without a provider plugin has no support categories
                    await db.commit()
                    continue
                login = next(a.login for a in accounts if not a.console)
                user = await find_user_by_username(db, login) or await find_user_by_email(db, login)
                assert user is not None, login
                await open_ticket(
                    db,
                    tenant,
                    categories[0],
                    subject="Question about my last invoice",
                    body="Could you tell me when the next one is due?\n\nThank you.",
                    fields={},
                    files=[],
                    email=user.email,
                    name=user.full_name or user.email,
                    locale=tenant.default_locale,
                    user_id=user.id,
                )
                await db.commit()

    run_async(body)
    return demo, secret


# -- visiting -------------------------------------------------------------------------------------------


@dataclass
class Findings:
    """Pages visited, and what was wrong on them."""

    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # per account, the pages whose content (not a navigation) holds link-styled buttons
    link_buttons: dict[str, list[str]] = field(default_factory=dict)
    account: str = ""

    def report(self) -> str:
        return f"{len(self.problems)} problem(s) on {len(self.visited)} pages:\n" + "\n".join(self.problems)


def check_page(page: Any, findings: Findings, *, phone: bool) -> None:
    """Overflow and compact header (phone), then axe with colour contrast."""
    where = urlsplit(page.url).path
    findings.visited.append(where)
    if phone:
        if (extra := horizontal_overflow(page)) > 0:
            findings.problems.append(f"{where}: {extra} px wider than the {PHONE['width']} px screen")
        header = page.evaluate("document.querySelector('header.site-header').getBoundingClientRect().height")
        if header > COMPACT_HEADER_PX:
            findings.problems.append(f"{where}: the header is {header:.0f} px high on a phone")
    findings.problems += [f"{where}: {problem}" for problem in accessibility_problems(page)]
    if page.evaluate("[...document.querySelectorAll('main button.link')].some(b => !b.closest('nav'))"):
        pages = findings.link_buttons.setdefault(findings.account, [])
        if page.url not in pages:
            pages.append(page.url)


class Crawler:
    """Follows the links of a portal's pages, visiting each kind of page once (see the module docstring)."""

    def __init__(self, page: Any, server: LiveServer, prefix: str, findings: Findings) -> None:
        self.page, self.server, self.prefix, self.findings = page, server, prefix, findings
        self.seen: set[str] = set()
        self.scope = prefix

    def belongs(self, path: str) -> bool:
        """A page of the walk's scope (the operator host's pages are those outside every ``/t/<slug>``)."""
        if NOT_A_PAGE.search(path):
            return False
        if self.scope:
            return path == self.scope or path.startswith(self.scope + "/")
        return not path.startswith("/t/")

    def kind(self, path: str, query: str, account: str) -> str:
        """The kind of a page: numbers and support categories folded; signed in or out; the account for
        a provider's pages."""
        local = path.removeprefix(self.prefix)
        kind = re.sub(r"/\d+(?=/|$)", "/{n}", local)
        kind = re.sub(r"^/support/new/[^/]+$", "/support/new/{category}", kind)
        kind = re.sub(r"^/console/tenants/(?!new$)[^/]+$", "/console/tenants/{slug}", kind)
        if query:
            kind += "?" + "&".join(sorted(part.split("=")[0] for part in query.split("&")))
        provider_page = kind.split("/")[1] not in CORE_SEGMENTS
        return f"{account}:{kind}" if provider_page else f"{'in' if account else 'out'}:{kind}"

    def crawl(self, start: tuple[str, ...], account: str = "", scope: str = "") -> None:
        """Visit ``start`` (paths under the prefix) and every page they lead to (within ``scope``, a path
        under the prefix: a console's links lead back to the portal, whose pages a customer visits)."""
        self.scope = self.prefix + scope
        queue = [self.prefix + path for path in start]
        origin = urlsplit(self.server.url).netloc
        while queue:
            target = urlsplit(queue.pop(0))
            kind = self.kind(target.path, target.query, account)
            if kind in self.seen:
                continue
            self.seen.add(kind)
            self.page.goto(self.server.url + target.path + (f"?{target.query}" if target.query else ""))
            check_page(self.page, self.findings, phone=True)
            for href in self.page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
            ):
                link = urlsplit(urljoin(self.page.url, href))
                if link.netloc == origin and self.belongs(link.path):
                    queue.append(link.path + (f"?{link.query}" if link.query else ""))


def sign_in(page: Any, server: LiveServer, prefix: str, account: DemoAccount) -> None:
    """Sign in on the portal's form (or its console's)."""
    page.context.clear_cookies()
    page.goto(server.url + prefix + ("/console/login" if account.console else "/login"))
    page.fill("#email" if account.console else "#login", account.login)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/login" not in page.url, f"{account.login} could not sign in: {page.locator('main').inner_text()[:300]}"


def sign_in_operator(page: Any, server: LiveServer, demo: Demo, secret: str) -> None:
    """Sign the demo operator in on the operator host's console."""
    page.context.clear_cookies()
    page.goto(server.url + "/console/login")
    page.fill("#email", demo.operator[0])
    page.fill("#password", demo.operator[1])
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/console/login" not in page.url, page.locator("main").inner_text()[:300]


def _provider_actions(page: Any, server: LiveServer, prefix: str, slug: str, findings: Findings) -> None:
    """What a first customer does before looking around: content that only appears after an action."""
    if slug == "luminus":  # an index of his own, so the ✕ that deletes it is on the page
        page.goto(server.url + prefix + "/luminus/readings")
        history = page.locator("tbody tr[data-reading] td.num").all_inner_texts()
        latest = max(int("".join(ch for ch in cell.split("kWh")[0] if ch.isdigit())) for cell in history)
        for register in page.locator("input[name^=index_]").all():
            register.fill(str(latest + 300))
        with page.expect_navigation():
            page.locator("#add-index button[type=submit]").click()
        if page.locator("#confirm_implausible").count():
            page.check("#confirm_implausible")
            with page.expect_navigation():
                page.locator("#add-index button[type=submit]").click()
        assert page.locator("button[data-delete]").count() >= 1
        check_page(page, findings, phone=True)
    if slug == "lumen":  # a cart with a line, then an order placed (its page is found by the crawl)
        page.goto(server.url + prefix + "/lumen/catalogue")
        with page.expect_navigation():
            page.locator("form.lumen-add button[type=submit]").first.click()
        page.goto(server.url + prefix + "/lumen/cart")
        check_page(page, findings, phone=True)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        check_page(page, findings, phone=True)


def check_menu(page: Any, findings: Findings) -> None:
    """The phone menu: one button instead of the navigation bar, opened from the keyboard, its links
    checked by axe while open, closed again with Escape."""
    where = urlsplit(page.url).path
    menu = page.locator("details.site-menu")
    if menu.count() != 1 or not menu.is_visible():
        findings.problems.append(f"{where}: no menu button in the phone's header")
        return
    if page.locator("nav.main-nav").is_visible():
        findings.problems.append(f"{where}: the wide navigation bar is drawn on a phone")
    page.locator("details.site-menu > summary").focus()
    page.keyboard.press("Enter")
    if menu.get_attribute("open") is None or not page.locator(".site-menu__panel a").first.is_visible():
        findings.problems.append(f"{where}: Enter on the menu button does not open the menu")
        return
    check_page(page, findings, phone=True)
    page.keyboard.press("Escape")
    if menu.get_attribute("open") is not None:
        findings.problems.append(f"{where}: Escape does not close the menu")


def _staff_forms(page: Any, server: LiveServer, demo: Demo, findings: Findings) -> None:
    """The staff pages' forms sent empty (the error summary and the messages next to the fields), and the
    set-password page a new staff member opens from the mailed link."""
    page.goto(server.url + "/console/staff/new")
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit]").click()
    check_page(page, findings, phone=True)
    page.context.clear_cookies()
    page.goto(server.url + demo.staff_link)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page, findings, phone=True)


PORTALS = ["lumen", "luminus", "omicron", "videotron", "acme"]  # acme: no provider plugin, the default theme


def check_portal(browser: Any, server: LiveServer, demo: Demo, secret: str, slug: str, findings: Findings) -> None:
    """Every page of one portal on a phone, then its link-styled buttons on a desktop."""
    prefix = f"/t/{slug}"
    accounts = demo.accounts[slug]
    # a plain 390 px window: a mobile emulation zooms out to fit a page that overflows, hiding it
    phone = browser.new_context(viewport=PHONE, locale="en-US")
    page = phone.new_page()
    page.set_default_timeout(10_000)
    crawler = Crawler(page, server, prefix, findings)
    findings.account = ""
    crawler.crawl(SIGNED_OUT + PROVIDER_SIGNED_OUT.get(slug, ()))
    page.goto(server.url + prefix + "/login")  # a form sent empty: the error summary and messages
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    check_page(page, findings, phone=True)
    customers = [account for account in accounts if not account.console]
    for account in customers:
        sign_in(page, server, prefix, account)
        findings.account = account.login
        if account is customers[0]:
            check_menu(page, findings)
            _provider_actions(page, server, prefix, slug, findings)
        crawler.crawl(("/",), account.login)
    for account in accounts:
        if account.console:  # the portal's console, in its theme
            sign_in(page, server, prefix, account)
            findings.account = account.login
            crawler.crawl(("/console",), account.login, scope="/console")
    if slug == "acme":  # the operator host, in the default theme
        operator_host = Crawler(page, server, "", findings)
        page.context.clear_cookies()
        findings.account = ""
        operator_host.crawl(("/", "/console/login"))
        sign_in_operator(page, server, demo, secret)
        findings.account = "operator"
        operator_host.crawl(("/console",), "operator", scope="/console")
        _staff_forms(page, server, demo, findings)
    phone.close()

    desktop = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = desktop.new_page()
    page.set_default_timeout(10_000)
    for account in accounts:
        sign_in(page, server, prefix, account)
        check_page(page, findings, phone=False)  # the navigation bar (or the console's) and its "sign out"
        for url in findings.link_buttons.get(account.login, []):
            page.goto(url)
            check_page(page, findings, phone=False)
    if slug == "acme":
        sign_in_operator(page, server, demo, secret)
        check_page(page, findings, phone=False)
    desktop.close()


@pytest.fixture
def browser(_browser: Any) -> Any:
    """The test session's chromium: each portal opens its own phone and desktop contexts in it."""
    return _browser


def test_every_page_fits_a_phone_and_passes_axe_in_every_theme(run_async, live_server, browser):
    demo, secret = _seed(run_async, live_server)
    findings = Findings()
    for slug in PORTALS:
        check_portal(browser, live_server, demo, secret, slug, findings)
    assert not findings.problems, findings.report()
    for slug in PORTALS:  # the walk reached the pages behind each portal's sign-in
        assert sum(path.startswith(f"/t/{slug}/") for path in findings.visited) >= 12, (slug, findings.visited)
    assert any(path.startswith("/console/") for path in findings.visited)
    # the reply macros (the demo's, one per language) and a ticket page with the macro choice
    for page in ("/console/macros", "/console/macros/new", "/t/lumen/console/tickets"):
        assert page in findings.visited, page
    assert any(re.fullmatch(r"/console/macros/\d+", path) for path in findings.visited)
    assert any(re.fullmatch(r"/t/[a-z]+/console/tickets/\d+", path) for path in findings.visited)
    # the privacy pages: "Delete my account" in each portal, the operators' privacy requests
    for page in ["/console/privacy", *(f"/t/{slug}/profile/delete" for slug in PORTALS)]:
        assert page in findings.visited, page
    for staff_page in ("/console/staff", "/console/staff/new", "/console/password/"):
        assert any(path.startswith(staff_page) for path in findings.visited), staff_page


def test_phone_menu_works_without_javascript(run_async, live_server, browser):
    async def body(portal: Any) -> None:
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, slug="acme", name="Acme", locales=["en", "fr"], default_locale="en")
            await db.commit()

    run_async(body)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(live_server.tenant_url("acme", "/"))
    header = page.locator("header")
    menu_button = header.get_by_text("Menu", exact=True)
    assert menu_button.is_visible()
    assert header.get_by_role("link", name="Sign in").is_hidden()  # folded in the menu
    menu_button.click()
    header.get_by_role("link", name="Français").click()  # the languages are in the menu too
    page.wait_for_url("**/t/acme/")
    header.get_by_text("Menu", exact=True).click()
    header.get_by_role("link", name="Se connecter").click()
    page.wait_for_url("**/t/acme/login")
    assert page.locator("h1").is_visible()
    context.close()


def test_oidc_consent_and_console_pages_fit_a_phone_and_pass_axe(run_async, live_server, browser):
    """The OIDC pages no link leads to (consent, sign-out confirmation, a broken request) and the
    console's client pages, in every theme."""
    from core.oidc.clients import register_client
    from core.staff.accounts import create_staff
    from core.web.themes import available_themes

    secret = pyotp.random_base32()
    themes = available_themes()
    client_ids: dict[str, str] = {}

    async def body(portal: Any) -> None:
        async with portal.database.session() as db:
            for theme in themes:
                await create_tenant(db, portal.plugins, slug=f"oidc-{theme}", name="Portal", theme=theme)
            operator = await create_staff(
                db, email="op@ops.test", name="Op", password="op password 2026", role="operator"
            )
            operator.totp_secret = secret
            await db.commit()
        for theme in themes:
            tenant = await tenant_by_slug(portal, f"oidc-{theme}")
            async with portal.database.session(tenant.id) as db:
                await create_user(
                    db, email="ada@example.com", password="a long passphrase 2026", status=UserStatus.ACTIVE
                )
                registered = await register_client(
                    db,
                    name="Partner app",
                    redirect_uris=["https://rp.example/cb"],
                    confidential=True,
                    first_party=False,
                )
                client_ids[theme] = registered.client.client_id
                await db.commit()

    run_async(body)
    findings = Findings()
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    for theme in themes:
        prefix = f"/t/oidc-{theme}"
        sign_in(page, live_server, prefix, DemoAccount("ada@example.com", "a long passphrase 2026", console=False))
        query = (
            f"response_type=code&client_id={client_ids[theme]}&scope=openid+profile+email"
            f"&code_challenge={'a' * 43}&code_challenge_method=S256&redirect_uri="
        )
        for path in (
            f"/oidc/authorize?{query}https%3A%2F%2Frp.example%2Fcb",  # the consent page
            f"/oidc/authorize?{query}https%3A%2F%2Felsewhere.example%2F",  # an unregistered address
            "/oidc/logout",  # the sign-out confirmation
        ):
            page.goto(live_server.url + prefix + path)
            assert page.locator("main h1").is_visible(), page.content()
            findings.visited.append(prefix + path)
            check_page(page, findings, phone=True)
        page.context.clear_cookies()
        page.goto(live_server.url + prefix + "/console/login")
        page.fill("#email", "op@ops.test")
        page.fill("#password", "op password 2026")
        page.fill("#code", pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        page.goto(live_server.url + prefix + "/console/oidc/clients")
        check_page(page, findings, phone=True)
        page.fill("#c-uris", "http://shop.example/cb")  # refused: the error messages
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        check_page(page, findings, phone=True)
        page.fill("#c-name", "Shop")
        page.fill("#c-uris", "https://shop.example/cb")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        assert "Client secret" in page.content()
        check_page(page, findings, phone=True)
    context.close()
    assert not findings.problems, findings.report()


def test_the_consent_page_fits_a_phone_and_passes_axe_in_every_theme(run_async, live_server, browser):
    """The page asking a signed-in customer to accept new versions of the terms and privacy notice, and
    the registration form listing the documents."""
    from core.web.themes import available_themes

    themes = available_themes()
    consent = {
        "terms_version": "2",
        "terms_url": "https://example.com/terms",
        "privacy_version": "3",
        "privacy_url": "https://example.com/privacy",
    }

    async def body(portal: Any) -> None:
        for theme in themes:
            async with portal.database.session() as db:
                tenant = await create_tenant(
                    db, portal.plugins, slug=f"t-{theme}", name=f"Theme {theme}", theme=theme,
                    locales=["en", "fr"], default_locale="en", settings={"consent": consent},
                )  # fmt: skip
                await db.commit()
            async with portal.database.session(tenant.id) as db:
                await create_user(
                    db, email="ada@acme.example", password="a long passphrase 2026", status=UserStatus.ACTIVE
                )
                await db.commit()

    run_async(body)
    findings = Findings()
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    for theme in themes:
        page.context.clear_cookies()
        page.goto(live_server.tenant_url(f"t-{theme}", "/register"))  # the documents' links by the checkbox
        assert page.locator("ul.consent-documents a").count() == 2
        check_page(page, findings, phone=True)
        sign_in(page, live_server, f"/t/t-{theme}", DemoAccount("ada@acme.example", "a long passphrase 2026", False))
        assert urlsplit(page.url).path == f"/t/t-{theme}/consent", page.url
        check_page(page, findings, phone=True)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert urlsplit(page.url).path == f"/t/t-{theme}/", page.url
    context.close()
    assert not findings.problems, findings.report()


def test_the_rating_page_fits_a_phone_and_passes_axe_in_every_theme(run_async, live_server, browser):
    from core.web.themes import available_themes

    themes = available_themes()

    async def body(portal: Any) -> dict[str, str]:
        links = {}
        for theme in themes:
            async with portal.database.session() as db:
                tenant = await create_tenant(
                    db, portal.plugins, slug=f"rate-{theme}", name=f"Rate {theme}", theme=theme, locales=["en"]
                )
                await db.commit()
            async with portal.database.session(tenant.id) as db:
                ticket = await open_ticket(
                    db,
                    tenant,
                    TicketCategory(code="general", name="General"),
                    subject="Where is my order?",
                    body="It has not come.",
                    fields={},
                    files=[],
                    email="rater@example.com",
                    name="Rita",
                    locale="en",
                )
                links[theme] = (await rating_links(db, ticket))["good"]
                await db.commit()
        return links

    links = run_async(body)
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    for theme, path in links.items():
        page.goto(live_server.tenant_url(f"rate-{theme}", path))
        assert page.locator(".rating-recorded").is_visible(), theme
        assert accessibility_problems(page) == [], theme
        assert horizontal_overflow(page) <= 0, theme
        page.get_by_label("Your comment (optional)").fill("Quick and clear.")
        page.get_by_role("button", name="Send").click()
        assert page.locator(".rating-done").is_visible(), theme
        assert accessibility_problems(page) == [], theme
        assert horizontal_overflow(page) <= 0, theme
    context.close()
