"""``portique demo``: the four demo portals with their data, staff to work them, and idempotence."""

from __future__ import annotations

import base64
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.cli import main
from core.testing import run_in_thread

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("tenants", "users", "accounts", "memberships", "console_staff", "console_staff_tenants")


def _counts(url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            found = {table: int(await conn.scalar(text(f"SELECT count(*) FROM {table}"))) for table in TABLES}  # noqa: S608
        await engine.dispose()
        return found

    return run_in_thread(count())


def test_demo_creates_four_portals_with_accounts_and_staff_and_is_idempotent(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", url)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    first = runner.invoke(main, ["demo"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    for slug in ("lumen", "videotron", "omicron", "luminus"):
        assert f"http://{slug}.localhost:8000/" in first.output
        assert f"/t/{slug}/console" in first.output
    assert "operator@portique.example" in first.output
    secret = first.output.split("the secret ", 1)[1].split(",", 1)[0]
    assert len(base64.b32decode(secret)) * 8 >= 160, secret
    assert secret in (ROOT / "README.md").read_text(encoding="utf-8")
    assert secret in (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    counts = _counts(url)
    assert counts["tenants"] == 4
    assert counts["users"] >= 8
    assert counts["console_staff"] == 2
    assert counts["console_staff_tenants"] == 4
    second = runner.invoke(main, ["demo"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert _counts(url) == counts
