"""``portique demo``: the four demo portals with their data, staff to work them, and idempotence."""

from __future__ import annotations

import base64
import re
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
    for slug in ("lumen", "videotron", "omicron", "luminus"):  # a timed line per step, on stderr
        assert re.search(rf"^{slug}: tenant: done in \d+\.\d s$", first.output, re.M), first.output
        assert re.search(rf"^{slug}: demo data and accounts: done in \d+\.\d s$", first.output, re.M)
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


async def test_a_long_step_says_it_is_still_running(capsys):
    import asyncio

    from core.cli_progress import step

    async with step("slow thing", tick=0.05):
        await asyncio.sleep(0.18)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "slow thing …"
    assert sum("slow thing … still running" in line for line in lines) >= 2
    assert lines[-1].startswith("slow thing: done in 0.")
