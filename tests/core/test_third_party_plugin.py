"""A plugin installed with pip and declared in the ``portique.plugins`` entry-point group works like a
built-in one; a broken one stops the start-up with one clear line that names it."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.app import create_app
from core.plugins import PluginError, PluginManager, resolve
from core.tenancy.service import create_tenant
from core.testing import DEFAULT_TENANT

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hello_plugin"


@pytest.fixture(scope="module")
def hello_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip install`` the fixture package into a private folder (the shared virtualenv is untouched)."""
    source = tmp_path_factory.mktemp("src") / "hello_plugin"
    shutil.copytree(FIXTURE, source)
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "install"]
    command += ["--no-deps", "--no-build-isolation", "--target", str(target), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr[-3000:]
    assert (target / "portique_hello" / "templates" / "hello" / "index.html").is_file()
    catalog_dir = target / "portique_hello" / "locale" / "fr" / "LC_MESSAGES"
    with (catalog_dir / "hello.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="hello")
    with (catalog_dir / "hello.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return target


@pytest.fixture
def on_path() -> Iterator[list[Path]]:
    """Put folders on ``sys.path`` for one test (like site-packages), then forget them and their modules."""
    before_path = list(sys.path)
    folders: list[Path] = []
    yield folders
    sys.path[:] = before_path
    for name in [m for m in sys.modules if m.startswith("portique_")]:  # the test distributions' modules
        del sys.modules[name]
    importlib.invalidate_caches()


def _use(on_path: list[Path], folder: Path) -> None:
    on_path.append(folder)
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()


def _fake_distribution(site: Path, name: str, entry_point: str, files: dict[str, str]) -> Path:
    """An installed distribution as pip leaves it: modules plus a ``.dist-info`` with its entry point."""
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text)
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[portique.plugins]\n{entry_point}\n")
    return site


async def test_pip_installed_plugin_is_served_only_on_the_tenant_that_enables_it(
    hello_site, on_path, portique_settings
):
    _use(on_path, hello_site)
    app = create_app(portique_settings, access_log=False)
    portal = app.state.portal
    try:
        assert "hello" in portal.plugins.provider_names
        assert portal.plugins.infos["hello"].version == "1.2.0"
        assert Path(portal.plugins.modules["hello"].__file__).is_relative_to(hello_site)
        async with portal.database.session() as session:
            await create_tenant(session, portal.plugins, slug="greeted", plugins=["hello"], **DEFAULT_TENANT)
            await create_tenant(session, portal.plugins, slug="plain", **DEFAULT_TENANT)
            await session.commit()
        await portal.registry.refresh(force=True)
        transport = httpx.ASGITransport(app=app)
        stylesheet = 'href="/static/plugins/hello/hello.css"'
        async with httpx.AsyncClient(transport=transport, base_url="http://greeted.localhost") as client:
            page = await client.get("/hello/")
            assert page.status_code == 200
            assert "Hello from a third-party plugin" in page.text
            assert stylesheet in page.text
            french = await client.get("/hello/", headers={"Accept-Language": "fr"})
            assert "Bonjour de la part d’une extension tierce" in french.text
            assert 'href="/hello/"' in (await client.get("/")).text
            css = await client.get("/static/plugins/hello/hello.css")
            assert css.status_code == 200
            assert "var(--primary)" in css.text
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            assert (await client.get("/t/greeted/hello/")).status_code == 200
            assert (await client.get("/t/plain/hello/")).status_code == 404
            assert (await client.get("/hello-operator")).text == "hello, operator"
        async with httpx.AsyncClient(transport=transport, base_url="http://plain.localhost") as client:
            assert (await client.get("/hello/")).status_code == 404
            home = (await client.get("/")).text
            assert 'href="/hello/"' not in home
            assert stylesheet not in home
    finally:
        await portal.database.dispose()


async def test_pip_installed_plugin_hooks_answer_only_for_its_tenants(hello_site, on_path, portique_settings):
    _use(on_path, hello_site)
    app = create_app(portique_settings, access_log=False)
    portal = app.state.portal
    try:
        async with portal.database.session() as session:
            greeted = await create_tenant(session, portal.plugins, slug="greeted", plugins=["hello"], **DEFAULT_TENANT)
            plain = await create_tenant(session, portal.plugins, slug="plain", **DEFAULT_TENANT)
            await session.commit()
        policy = portal.hooks(greeted).portique_password_policy(tenant=greeted)
        assert [rule.code for rule in policy.broken_rules("short")] == ["length"]
        assert portal.hooks(plain).portique_password_policy(tenant=plain) is None
        codes = [p.code for group in portal.hooks(greeted).portique_permissions(tenant=greeted) for p in group]
        assert "hello.greet" in codes
        others = [p.code for group in portal.hooks(plain).portique_permissions(tenant=plain) for p in group]
        assert "hello.greet" not in others
        assert portal.hooks(greeted).portique_session_policy(tenant=greeted).remember_for == timedelta(hours=1)
        assert portal.hooks(plain).portique_session_policy(tenant=plain) is None
        widgets = portal.hooks(greeted).portique_dashboard_widgets(tenant=greeted, user=None)
        assert "hello/widget.html" in [w.template for group in widgets for w in group]
        elsewhere = portal.hooks(plain).portique_dashboard_widgets(tenant=plain, user=None)
        assert "hello/widget.html" not in [w.template for group in elsewhere for w in group]
        async with portal.database.session(greeted.id) as db:
            accounts = await resolve(portal.hooks(greeted).portique_demo_data(tenant=greeted, db=db))
        assert "hello@example.com" in [a.login for group in accounts for a in group]
        async with portal.database.session(plain.id) as db:
            accounts = await resolve(portal.hooks(plain).portique_demo_data(tenant=plain, db=db))
        assert "hello@example.com" not in [a.login for group in accounts for a in group]
    finally:
        await portal.database.dispose()


def test_pip_installed_plugin_adds_a_cli_command(hello_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(hello_site), "PORTIQUE_VAR_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "hello"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello from a plugin command"


def test_plugin_that_fails_to_import_gives_one_line_naming_it(tmp_path, on_path):
    site = _fake_distribution(
        tmp_path / "site",
        "portique_broken",
        "broken = portique_broken",
        {"portique_broken/__init__.py": "import portique_no_such_dependency\n"},
    )
    _use(on_path, site)
    with pytest.raises(PluginError) as caught:
        PluginManager()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("plugin 'broken' failed to import (portique_broken)")
    assert "ModuleNotFoundError" in message
    assert "portique_no_such_dependency" in message


def test_plugin_with_an_unknown_hook_gives_one_line_naming_it(tmp_path, on_path):
    code = (
        "from core.api import PluginInfo, hookimpl\n\n"
        "@hookimpl\ndef portique_plugin_info():\n    return PluginInfo(name='typo', version='0.1')\n\n"
        "@hookimpl\ndef portique_not_a_hook(tenant):\n    return []\n"
    )
    site = _fake_distribution(tmp_path / "site", "portique_typo", "typo = portique_typo", {"portique_typo.py": code})
    _use(on_path, site)
    with pytest.raises(PluginError) as caught:
        PluginManager()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("plugin 'typo' is invalid")
    assert "portique_not_a_hook" in message


def test_cli_reports_a_broken_plugin_in_one_line(tmp_path):
    site = _fake_distribution(
        tmp_path / "site",
        "portique_broken",
        "broken = portique_broken",
        {"portique_broken/__init__.py": "raise RuntimeError('misconfigured')\n"},
    )
    env = {**os.environ, "PYTHONPATH": str(site), "PORTIQUE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    env["PORTIQUE_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "plugins", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Error: plugin 'broken' failed to import (portique_broken): RuntimeError: misconfigured"]
