"""Settings: defaults, generated secret key, one clear line for bad configuration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.settings import ConfigurationError, load_settings


def test_secret_key_is_generated_once_into_var(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTIQUE_SECRET_KEY", raising=False)
    first = load_settings(var_dir=tmp_path)
    second = load_settings(var_dir=tmp_path)
    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORTIQUE_DATABASE_URL", "mysql://x"), ("PORTIQUE_MAIL_BACKEND", "pigeon"), ("PORTIQUE_SMTP_PORT", "99999")],
)
def test_bad_setting_names_the_setting(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings(var_dir=tmp_path)


def test_cli_reports_bad_configuration_in_one_line(tmp_path):
    env = {"PORTIQUE_DATABASE_URL": "mysql://nope", "PATH": "/usr/bin:/bin", "PORTIQUE_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "tenants", "list"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Error: PORTIQUE_DATABASE_URL: Value error, use sqlite+aiosqlite://… or postgresql+asyncpg://…"]
