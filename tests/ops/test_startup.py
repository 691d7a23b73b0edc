"""``portique serve`` / ``worker``: refused on uncompiled catalogues; start-up says where things go."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from core import serving
from core.cli import main
from core.plugins import PluginManager
from core.settings import Settings
from core.startup import serve_report

CORE_FR = Path(__file__).resolve().parents[2] / "core" / "locale" / "fr" / "LC_MESSAGES" / "core.po"


@pytest.fixture
def served(tmp_path, monkeypatch) -> list[dict[str, Any]]:
    """What ``portique serve`` would hand to uvicorn (nothing is served), on a migrated database."""
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    for name in (
        "PORTIQUE_REDIS_URL",
        "PORTIQUE_PUBLIC_URL",
        "PORTIQUE_RUN_WORKER_IN_PROCESS",
        "PORTIQUE_MAIL_BACKEND",
    ):
        monkeypatch.delenv(name, raising=False)
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving, "serve", lambda app, **options: calls.append(options))
    return calls


@pytest.fixture
def extra_catalogue(tmp_path, monkeypatch) -> Path:
    """A component's catalogue in a folder of the test's own, beside the real ones."""
    locale_dir = tmp_path / "locale"
    po_path = locale_dir / "fr" / "LC_MESSAGES" / "extra.po"
    po_path.parent.mkdir(parents=True)
    shutil.copy(CORE_FR, po_path)
    real = PluginManager.locale_dirs

    def with_extra(self: PluginManager) -> dict[str, tuple[str, Path]]:
        return {**real(self), "extra": ("extra_plugin", locale_dir)}

    monkeypatch.setattr(PluginManager, "locale_dirs", with_extra)
    return po_path


def test_serve_says_where_it_listens_what_it_uses_and_warns_of_local_mail_links(served):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8080"])  # noqa: S104 - nothing binds
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "listening on http://0.0.0.0:8080 (1 worker)" in lines
    assert any(line.startswith("database: sqlite+aiosqlite:///") and line.endswith("serve.db") for line in lines)
    assert any(line.startswith("mail: written as files under ") for line in lines)
    assert "mail worker: not in this process; run `portique worker` beside it, or mail stays queued" in lines
    assert "public URL (links in mails): http://localhost:8000" in lines
    unset = "warning: PORTIQUE_PUBLIC_URL is unset: links in mails point at http://localhost:8000, on this machine"
    assert unset in lines
    assert served[0]["port"] == 8080


def test_a_public_url_and_an_in_process_worker_are_reported_without_warning(served, monkeypatch):
    monkeypatch.setenv("PORTIQUE_PUBLIC_URL", "https://portals.example.com")
    monkeypatch.setenv("PORTIQUE_RUN_WORKER_IN_PROCESS", "true")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert "public URL (links in mails): https://portals.example.com" in result.output
    assert "mail worker: in this process (PORTIQUE_RUN_WORKER_IN_PROCESS=true)" in result.output
    assert "warning" not in result.output


def test_the_report_masks_the_database_password_and_names_the_smtp_relay(tmp_path):
    settings = Settings(
        database_url="postgresql+asyncpg://portique:s3cret@db.internal:5432/portique",
        var_dir=tmp_path,
        mail_backend="smtp",
        smtp_host="smtp.example.com",
        smtp_port=587,
        smtp_starttls=True,
        smtp_username="portals",
        smtp_password="hunter2",
        mail_from="Acme <no-reply@example.com>",
        public_url="http://127.0.0.1:8000",
    )
    lines = serve_report(settings, host="::1", port=8000, workers=2)
    text = "\n".join(lines)
    assert "s3cret" not in text
    assert "hunter2" not in text
    assert "listening on http://[::1]:8000 (2 workers)" in lines
    assert "database: postgresql+asyncpg://portique:***@db.internal:5432/portique" in lines
    assert "mail: SMTP to smtp.example.com:587, STARTTLS, as portals, from Acme <no-reply@example.com>" in lines
    local = "warning: PORTIQUE_PUBLIC_URL is local: links in mails point at http://127.0.0.1:8000, on this machine"
    assert local in lines


@pytest.mark.parametrize("command", [["serve"], ["worker", "--once"]])
def test_a_catalogue_without_its_compiled_file_stops_start_up_in_one_line(served, extra_catalogue, command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: no compiled catalogue (.mo) for {extra_catalogue}: run `python -m core.i18n.build compile` "
        "(`make i18n-compile`), or install Portique with pip"
    ]
    assert served == [], "nothing is served"


def test_a_catalogue_older_than_its_source_is_only_a_warning(served, extra_catalogue):
    from core.i18n.compiling import compile_catalogue

    mo_path = compile_catalogue(extra_catalogue)
    os.utime(mo_path, (extra_catalogue.stat().st_mtime - 60,) * 2)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert f"warning: compiled catalogue older than {extra_catalogue}: run `python -m core.i18n.build compile`" in (
        result.output
    )
    assert len(served) == 1
