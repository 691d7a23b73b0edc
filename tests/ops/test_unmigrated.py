"""Every command on a database that is not migrated says, in one line, to run ``portique db upgrade``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.cli import main
from core.db.migrations import downgrade, upgrade
from core.plugins import PluginManager

POSTGRES = os.environ.get("PORTIQUE_TEST_POSTGRES_URL")

COMMANDS = [
    ["tenants", "list"],
    ["tenants", "add", "acme", "--name", "Acme"],
    ["tenants", "disable", "acme"],
    ["demo"],
    ["worker", "--once"],
    ["serve"],
    ["staff", "list"],
    ["lumen", "requests"],  # a plugin's command (portique_cli)
]


def _one_line(argv: list[str], env: dict[str, str], cwd: str) -> tuple[int, list[str]]:
    result = subprocess.run(  # noqa: S603 - our own interpreter and CLI
        [sys.executable, "-m", "core.cli", *argv], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    return result.returncode, [line for line in result.stderr.splitlines() if line.strip()] + result.stdout.split()


def test_a_new_sqlite_file_is_neither_used_nor_created(tmp_path):
    database = tmp_path / "typo" / "portique.db"
    env = {"PATH": "/usr/bin:/bin", "PORTIQUE_VAR_DIR": str(tmp_path / "var")}
    env["PORTIQUE_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    code, lines = _one_line(["tenants", "list"], env, str(tmp_path))
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: the database sqlite+aiosqlite:///{database} is not migrated (not applied: ")
    assert lines[0].endswith("): run `portique db upgrade`")
    assert not database.exists()


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv))
def test_every_command_stops_on_an_empty_database(tmp_path, monkeypatch, argv):
    database = tmp_path / "empty.db"
    database.touch()
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "is not migrated" in lines[0]
    assert lines[0].endswith("run `portique db upgrade`")


def test_a_branch_left_behind_is_named(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    plugins = PluginManager()
    upgrade(url, plugins)
    downgrade(url, plugins, "lumen_ecommerce@-1")
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", url)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["tenants", "list"])
    assert result.exit_code == 1
    assert "not applied: lumen_ecommerce_0001): run `portique db upgrade`" in result.output
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    assert CliRunner().invoke(main, ["tenants", "list"]).exit_code == 0


def test_an_unreachable_database_is_one_line_with_the_password_masked(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PORTIQUE_VAR_DIR": str(tmp_path / "var")}
    env["PORTIQUE_DATABASE_URL"] = "postgresql+asyncpg://portique:s3cret@127.0.0.1:1/portique"
    code, lines = _one_line(["tenants", "list"], env, str(tmp_path))
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "Error: cannot reach the database postgresql+asyncpg://portique:***@127.0.0.1:1/portique"
    )
    assert "s3cret" not in lines[0]


@pytest.mark.skipif(not POSTGRES, reason="PORTIQUE_TEST_POSTGRES_URL is not set")
def test_an_empty_postgresql_database_says_to_migrate(tmp_path, monkeypatch):
    assert POSTGRES
    name = f"portique_empty_{uuid.uuid4().hex[:8]}"
    admin_url = POSTGRES.rsplit("/", 1)[0] + "/postgres"

    async def admin(statement: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        monkeypatch.setenv("PORTIQUE_DATABASE_URL", POSTGRES.rsplit("/", 1)[0] + "/" + name)
        monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
        result = CliRunner().invoke(main, ["tenants", "list"])
        assert result.exit_code == 1
        assert f"/{name} is not migrated (not applied: " in result.output
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
