"""The wheel: built from the git files alone, installed in a fresh virtualenv, it serves French in French."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = (".md", ".keep")  # the plugins' READMEs, and placeholders keeping empty folders in git


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run one of our own commands (this interpreter, pip, the installed ``portique``)."""
    return subprocess.run(command, text=True, **{"check": True, **options})  # noqa: S603 - fixed arguments


def _git_files() -> list[str]:
    listed = _run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    return [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the git files only (no compiled catalogue among them)."""
    source = tmp_path_factory.mktemp("source")
    for name in _git_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), "."],
        cwd=source,
    )
    (built,) = out.glob("portique-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the wheel installed; its dependencies are read from the test venv's."""
    home = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)])
    python = home / "bin" / "python"
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = _run([str(python), "-c", code], capture_output=True).stdout.strip()
    # After the new venv's own site-packages, so the wheel's `core` wins over the editable checkout's.
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)])
    return home


def test_the_wheel_ships_compiled_catalogues_templates_static_files_and_migrations(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        name
        for name in _git_files()
        if name.startswith(("core/", "plugins/", "themes/")) and not name.endswith(NOT_SHIPPED)
    }
    assert expected - shipped == set()
    catalogues = {name for name in expected if name.endswith(".po")}
    assert catalogues, "the core and the plugins ship gettext catalogues"
    assert {name[:-3] + ".mo" for name in catalogues} - shipped == set()
    for kind in ("templates/", "static/", "locale/", "migrations/"):
        assert any(f"/{kind}" in name for name in shipped), kind


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database: a private PostgreSQL one in the PostgreSQL pass, else a SQLite file."""
    server = os.environ.get("PORTIQUE_TEST_POSTGRES_URL")
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path / 'portique.db'}"
        return
    name = f"portique_wheel_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        engine = create_async_engine(server.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _portique(venv: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        [str(venv / "bin" / "portique"), *args],
        env=env,
        cwd=env["HOME"],  # not the checkout, whose `core` would be imported first
        capture_output=True,
        check=False,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_installed_package_serves_a_french_tenant_in_french(venv, tmp_path, database_url):
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PORTIQUE_DATABASE_URL": database_url,
        "PORTIQUE_VAR_DIR": str(tmp_path / "var"),
    }
    where = _portique(venv, env, "--version")
    assert where.returncode == 0, where.stderr
    code = "import core; print(core.__file__)"
    imported = _run([str(venv / "bin" / "python"), "-c", code], env=env, cwd=tmp_path, capture_output=True)
    assert str(venv) in imported.stdout, "the installed wheel is what runs, not the checkout"
    for args in (["db", "upgrade"], ["tenants", "add", "bonjour", "--name", "Bonjour", "--locales", "fr"]):
        done = _portique(venv, env, *args)
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(venv / "bin" / "portique"), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page: httpx.Response | None = _get_when_up(f"http://127.0.0.1:{port}/t/bonjour/", server)
    except httpx.TransportError:
        page = None  # the server's output says why
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert page is not None, output
    assert page.status_code == 200, output
    assert f"listening on http://127.0.0.1:{port}" in output
    assert '<html lang="fr"' in page.text
    assert "Se connecter" in page.text
    assert "Sign in" not in page.text
    assert "no compiled catalogue" not in output
    assert "compiled catalogue older than" not in output, "the wheel's .mo files are newer than their .po"


def _get_when_up(url: str, server: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)
