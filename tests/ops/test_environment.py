"""An unknown ``PORTIQUE_`` variable stops start-up, naming the closest valid one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import (
    ConfigurationError,
    check_environment,
    known_variables,
    load_settings,
    setting_variables,
)

ROOT = Path(__file__).resolve().parents[2]
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("PORTIQUE_DATABSE_URL", "PORTIQUE_DATABASE_URL"),
        ("PORTIQUE_PUBLIC_URI", "PORTIQUE_PUBLIC_URL"),
        ("PORTIQUE_RUN_WORKER_INPROCESS", "PORTIQUE_RUN_WORKER_IN_PROCESS"),
        ("PORTIQUE_TRUSTED_PROXY", "PORTIQUE_TRUSTED_PROXIES"),
    ],
)
def test_a_misspelt_setting_is_refused_with_the_closest_name(monkeypatch, tmp_path, typo, meant):
    monkeypatch.setenv(typo, "anything")
    with pytest.raises(ConfigurationError) as raised:
        load_settings(var_dir=tmp_path)
    assert str(raised.value) == f"{typo} is not a Portique setting: did you mean {meant}?"


def test_a_name_like_no_setting_says_so():
    with pytest.raises(ConfigurationError, match=r"^PORTIQUE_ZZZ is not a Portique setting, nor close to one"):
        check_environment({"PORTIQUE_ZZZ": "1"})


@pytest.mark.parametrize(
    "name",
    [
        "PORTIQUE_DATABASE_URL",
        "PORTIQUE_METRICS_TOKEN",
        "PORTIQUE_TRUSTED_PROXIES",
        "PORTIQUE_RUN_WORKER_IN_PROCESS",
        "PORTIQUE_TEST_POSTGRES_URL",
        "PORTIQUE_TEST_SOMETHING_NEW",
        "PORTIQUE_BENCH_POSTGRES_URL",
        "PORTIQUE_FUZZ_PROFILE",
    ],
)
def test_settings_and_the_tooling_s_variables_are_accepted(name):
    check_environment({name: "1", "PROMETHEUS_MULTIPROC_DIR": "/tmp/x", "HOME": "/root"})


def test_every_command_stops_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PORTIQUE_VAR_DIR": str(tmp_path), "PORTIQUE_DATABSE_URL": "sqlite://"}
    for command in (["tenants", "list"], ["plugins", "new", "--help"], ["db", "upgrade"]):
        result = subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "core.cli", *command], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 1
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines == ["Error: PORTIQUE_DATABSE_URL is not a Portique setting: did you mean PORTIQUE_DATABASE_URL?"]


def _tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S607
    return [
        name
        for name in listed.stdout.splitlines()
        if name != THIS_FILE
        and not name.endswith((".md", ".po"))  # prose may show a typo on purpose
        and (ROOT / name).is_file()
    ]


def test_every_portique_variable_the_code_names_is_known_in_one_place():
    """A variable read somewhere but not listed in core.settings would stop start-up when set."""
    named: dict[str, str] = {}
    for name in _tracked_files():
        text = (ROOT / name).read_text(errors="replace")
        for found in re.findall(r"PORTIQUE_[A-Z0-9_]+", text):
            if not found.endswith("_"):  # a prefix (PORTIQUE_TEST_…), not a name
                named.setdefault(found, name)
    assert named, "the scan found the code's PORTIQUE_ variables"
    unknown = {
        variable: where
        for variable, where in named.items()
        if variable not in known_variables() and not variable.startswith(("PORTIQUE_TEST_", "PORTIQUE_BENCH_"))
    }
    assert unknown == {}
    assert setting_variables() <= known_variables()


def test_every_setting_is_in_the_configuration_reference():
    page = (ROOT / "docs" / "operator" / "configuration.md").read_text()
    assert [name for name in sorted(setting_variables()) if f"| `{name}` |" not in page] == []
