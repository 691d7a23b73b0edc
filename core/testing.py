"""Pytest fixtures for Portique and its plugins (registered as the ``portique`` pytest plugin).

Fixtures: ``portique_settings``, ``app``, ``portal``, ``make_tenant``, ``tenant_client``,
``db_session``, ``mailbox``, ``queries``, ``live_server``, ``browser_page``, ``run_async``. A test suite runs on
SQLite by default and on PostgreSQL when ``PORTIQUE_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from core.app import create_app
from core.db.base import Base
from core.db.migrations import stamp
from core.mail.models import OutboxMessage
from core.mail.worker import build_message, deliver_pending
from core.plugins import PluginManager
from core.portal import Portal
from core.serving import proxy_options
from core.settings import Settings
from core.tenancy.models import Tenant
from core.tenancy.service import create_tenant
from core.wiring import build_portal

T = TypeVar("T")
POSTGRES_ENV = "PORTIQUE_TEST_POSTGRES_URL"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker."""
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright keeps an event loop in the main thread once started."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None or "/browser/" in item.nodeid)


def run_in_thread(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a private event loop in a worker thread.

    Setup code uses it so it works whether or not an event loop (pytest-asyncio's, or Playwright's
    in browser tests) is running in the test's thread.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _create_schema(url: str) -> None:
    plugins = PluginManager()  # imports every plugin, registering its tables on the metadata

    async def create() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        await engine.dispose()

    run_in_thread(create())
    with ThreadPoolExecutor(max_workers=1) as pool:  # Alembic runs its own event loop
        pool.submit(stamp, url, plugins).result()  # the schema is the heads': commands may run on it


@dataclass
class TestDatabase:
    """The database of a test session: a SQLite template copied per test, or a PostgreSQL database."""

    url: str
    template: Path | None = None

    def fresh(self, tmp_path: Path) -> str:
        """A clean database URL for one test."""
        if self.template is not None:
            target = tmp_path / "portique.db"
            shutil.copy(self.template, target)
            return f"sqlite+aiosqlite:///{target}"

        async def truncate() -> None:
            engine = create_async_engine(self.url)
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            await engine.dispose()

        run_in_thread(truncate())
        return self.url


@pytest.fixture(scope="session")
def portique_test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """Create the schema once per test session (a private PostgreSQL database when configured)."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        template = tmp_path_factory.mktemp("db") / "template.db"
        _create_schema(f"sqlite+aiosqlite:///{template}")
        yield TestDatabase(url="", template=template)
        return
    name = f"portique_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_url = server.rsplit("/", 1)[0] + "/postgres"

    async def admin(statement: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    run_in_thread(admin(f'CREATE DATABASE "{name}"'))
    url = server.rsplit("/", 1)[0] + "/" + name
    _create_schema(url)
    try:
        yield TestDatabase(url=url)
    finally:
        run_in_thread(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def portique_settings(portique_test_database: TestDatabase, tmp_path: Path) -> Settings:
    """Settings of one test: a clean database, a private ``var/`` folder, debug on."""
    return Settings(
        database_url=portique_test_database.fresh(tmp_path),
        secret_key="test-secret-key-0123456789abcdef",  # noqa: S106 - a test-only key
        var_dir=tmp_path / "var",
        debug=True,
        log_json=False,
    )


@pytest.fixture
def portique_extra_plugins() -> dict[str, Any]:
    """Plugin modules to register besides the installed ones (override in a test module)."""
    return {}


@pytest.fixture
async def app(portique_settings: Settings, portique_extra_plugins: dict[str, Any]) -> AsyncIterator[Any]:
    """The application, on the test's database."""

    application = create_app(portique_settings, access_log=False, extra_plugins=portique_extra_plugins or None)
    yield application
    await application.state.portal.database.dispose()


@pytest.fixture
def portal(app: Any) -> Portal:
    """The application's services."""
    portal: Portal = app.state.portal
    portal.activate()
    return portal


@pytest.fixture
async def db_session(portal: Portal) -> AsyncIterator[AsyncSession]:
    """An operator-wide (unscoped) session on the test database."""
    async with portal.database.session() as session:
        yield session


DEFAULT_TENANT = {"name": "Test portal", "locales": ["en", "fr"], "default_locale": "en"}


@pytest.fixture
def make_tenant(portal: Portal) -> Callable[..., Awaitable[Tenant]]:
    """``await make_tenant("acme", plugins=[...], locales=[...])`` creates a tenant and refreshes routing."""

    async def make(slug: str = "acme", **values: Any) -> Tenant:
        async with portal.database.session() as session:
            tenant = await create_tenant(session, portal.plugins, slug=slug, **{**DEFAULT_TENANT, **values})
            await session.commit()
        await portal.registry.refresh(force=True)
        return tenant

    return make


@pytest.fixture
async def tenant_client(app: Any) -> AsyncIterator[Callable[[Tenant | str], httpx.AsyncClient]]:
    """``tenant_client(tenant)``: an httpx client on ``http://<slug>.localhost`` (cookies kept)."""
    clients: list[httpx.AsyncClient] = []

    def make(tenant: Tenant | str) -> httpx.AsyncClient:
        slug = tenant if isinstance(tenant, str) else tenant.slug
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url=f"http://{slug}.localhost"
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


def csrf_of(html: str) -> str:
    """The CSRF token of the page (its first form, or the ``csrf-token`` meta tag)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html
    )
    if not match:
        raise AssertionError("no csrf_token in the page")
    return match.group(1)


@dataclass
class Mailbox:
    """Reads what the outbox sent, after delivering what is due."""

    portal: Portal

    async def messages(self, to: str | None = None) -> list[Message]:
        """Every delivered message (optionally only those to ``to``), oldest first."""

        await deliver_pending(self.portal, limit=1000)
        async with self.portal.database.session() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if to:
                query = query.where(OutboxMessage.recipient == to)
            rows = (await session.scalars(query)).all()
        return [email.message_from_bytes(bytes(build_message(row)), policy=email.policy.default) for row in rows]

    async def last(self, to: str | None = None) -> Message:
        """The newest message (to ``to``)."""
        messages = await self.messages(to)
        if not messages:
            raise AssertionError(f"no mail sent{' to ' + to if to else ''}")
        return messages[-1]


def mail_text(message: Message) -> str:
    """The text part of a message."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))  # type: ignore[union-attr]
    return ""


def mail_links(message: Message) -> list[str]:
    """Every http(s) link in the text part."""
    return re.findall(r"https?://[^\s<>\"]+", mail_text(message))


@pytest.fixture
def mailbox(portal: Portal) -> Mailbox:
    """The test's mailbox (delivers the outbox, then reads it)."""
    return Mailbox(portal)


class QueryLog:
    """The SQL statements sent on the portal's engine while it is attached."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        """Forget what was counted so far."""
        self.statements.clear()

    def report(self) -> str:
        """The statements, one per line (shown when a bound is exceeded)."""
        return "\n".join(f"  {i + 1}. {' '.join(s.split())[:200]}" for i, s in enumerate(self.statements))


@pytest.fixture
def queries(portal: Portal) -> Iterator[QueryLog]:
    """Counts the statements the portal's engine executes (a ``before_cursor_execute`` listener)."""
    log = QueryLog()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        log.statements.append(statement)

    event.listen(portal.database.sync_engine, "before_cursor_execute", count)
    yield log
    event.remove(portal.database.sync_engine, "before_cursor_execute", count)


# -- sync helpers for browser tests -----------------------------------------------------------------


@pytest.fixture
def run_async(portique_settings: Settings) -> Callable[[Callable[[Portal], Awaitable[Any]]], Any]:
    """``run_async(lambda portal: coro)`` runs setup code against the test database from a sync test.

    It runs in its own thread, so it works beside Playwright's event loop.
    """
    portal = build_portal(portique_settings, PluginManager())

    def run(fn: Callable[[Portal], Awaitable[T]]) -> T:
        async def main() -> T:
            portal.activate()
            try:
                return await fn(portal)
            finally:
                await portal.database.dispose()

        return run_in_thread(main())

    return run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A real uvicorn server on a loopback port, serving the test's database."""

    url: str
    settings: Settings

    def tenant_url(self, slug: str, path: str = "/") -> str:
        """URL of a tenant page through the ``/t/<slug>`` prefix."""
        return f"{self.url}/t/{slug}{path}"

    def mail_files(self, slug: str) -> list[Path]:
        """The ``.eml`` files the worker wrote for a tenant, oldest first."""
        folder = self.settings.mail_dir / slug
        return sorted(folder.glob("*.eml")) if folder.is_dir() else []

    def wait_for_mail(self, slug: str, count: int = 1, timeout: float = 10.0) -> list[Message]:
        """Wait until the tenant has ``count`` mails on disk, and return them parsed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            files = self.mail_files(slug)
            if len(files) >= count:
                return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]
            time.sleep(0.1)
        raise AssertionError(f"expected {count} mail(s) for {slug}, found {len(self.mail_files(slug))}")


@pytest.fixture
def live_server(portique_settings: Settings) -> Iterator[LiveServer]:
    """Serve the app with uvicorn in a thread; the mail worker runs in-process (``.eml`` files)."""
    import uvicorn

    settings = portique_settings.model_copy(update={"run_worker_in_process": True, "public_url": ""})
    port = _free_port()
    settings.public_url = f"http://127.0.0.1:{port}"
    app = create_app(settings, access_log=False)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **proxy_options(settings)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser: Any) -> Iterator[Any]:
    """A fresh browser context and page (phone-sized with ``@pytest.mark.phone``)."""
    context = _browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


AXE_OPTIONS: dict[str, Any] = {
    "resultTypes": ["violations", "incomplete"],
    "rules": {"color-contrast": {"enabled": True}},
}
# axe skips text made only of symbols (the ✕ that deletes a row) unless told otherwise; configure()
# replaces a check's options whole, so the defaults are carried over.
AXE_CONFIGURE = """() => {
  const defaults = axe._audit.checks["color-contrast"].options;
  axe.configure({checks: [{id: "color-contrast", options: {...defaults, ignoreUnicode: false}}]});
}"""
# axe files text drawn in the colour of its own background (white on white, contrast 1:1) under
# "incomplete" instead of "violations": such text is invisible, so it is a failure here.
INVISIBLE_TEXT = "equalRatio"


def _invisible_text(results: dict[str, Any]) -> list[str]:
    found = []
    for rule in results.get("incomplete", []):
        if rule["id"] != "color-contrast":
            continue
        for node in rule["nodes"]:
            keys = {
                (check.get("data") or {}).get("messageKey")
                for check in node["any"]
                if isinstance(check.get("data"), dict)
            }
            if INVISIBLE_TEXT in keys:
                found.append(node["html"][:120])
    return found


def accessibility_problems(page: Any) -> list[str]:
    """The serious or critical axe-core findings of the current page, colour contrast included."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    page.evaluate(AXE_CONFIGURE)
    results: dict[str, Any] = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + ", ".join(n["html"][:120] for n in v["nodes"][:3])
        + (f" (+{len(v['nodes']) - 3})" if len(v["nodes"]) > 3 else "")
        for v in results["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    problems += [
        f"color-contrast (serious): text drawn in its background's colour: {html}" for html in _invisible_text(results)
    ]
    return problems


def check_accessibility(page: Any) -> None:
    """Fail on serious or critical axe-core findings of the current page, colour contrast included.

    Invisible text (its colour equals its background's, which axe leaves "incomplete") fails too.
    """
    problems = accessibility_problems(page)
    if problems:
        raise AssertionError(f"accessibility violations on {page.url}:\n  " + "\n  ".join(problems))


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing overflows).

    Use a plain context of the phone's width: a mobile emulation (``is_mobile``) zooms out to fit a
    page that overflows, so the page never looks wider than the window there.
    """
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


async def tenant_by_slug(portal: Portal, slug: str) -> Tenant:
    """Load a tenant by slug."""
    async with portal.database.session() as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
    assert tenant is not None
    return tenant
