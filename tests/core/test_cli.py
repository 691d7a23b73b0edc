"""The ``portique`` CLI: migrations, tenants, plugins."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core.cli import main


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        return result

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


def test_tenants_add_list_update_disable(cli):
    added = cli(
        "tenants", "add", "acme", "--name", "Acme", "--locales", "fr_CA,en_CA", "--hostnames", "portal.acme.test"
    )
    assert added.exit_code == 0, added.output
    assert "tenant acme created" in added.output
    listed = cli("tenants", "list").output
    assert "acme" in listed
    assert "locales=fr_CA,en_CA" in listed
    assert "hosts=portal.acme.test" in listed
    assert cli("tenants", "update", "acme", "--theme", "lumen").exit_code == 0
    assert "theme=lumen" in cli("tenants", "list").output
    assert cli("tenants", "disable", "acme").exit_code == 0
    assert "disabled" in cli("tenants", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tenants", "add", "Bad Slug", "--name", "x"], "slug:"),
        (["tenants", "add", "acme", "--name", "x", "--plugins", "nope"], "plugins: not installed: nope"),
        (["tenants", "add", "acme", "--name", "x", "--theme", "nope"], "theme: unknown theme"),
        (["tenants", "add", "acme", "--name", "x", "--locales", "fr", "--default-locale", "de"], "default_locale"),
        (["tenants", "add", "acme", "--name", "x", "--hostnames", "bad host"], "hostnames"),
    ],
)
def test_invalid_tenant_definitions_are_refused_with_the_field(cli, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicate_slug_is_refused(cli):
    assert cli("tenants", "add", "acme", "--name", "Acme").exit_code == 0
    result = cli("tenants", "add", "acme", "--name", "Again")
    assert result.exit_code != 0
    assert "slug: already used" in result.output


def test_plugins_list_shows_versions_hooks_and_tenants(cli):
    cli("tenants", "add", "acme", "--name", "Acme", "--plugins", "luminus_energy", "--locales", "fr_BE")
    output = cli("plugins", "list").output
    assert "luminus_energy 0.1.0  tenants: acme" in output
    assert "identity 0.1.0  tenants: all (default)" in output
    assert "portique_plugin_info" in output


def test_version(cli):
    assert cli("--version").output.startswith("portique, version")
