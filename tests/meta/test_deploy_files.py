"""The files in ``deploy/`` name commands and settings that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import pytest
import yaml

from core.cli import main
from core.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _check_command(argv: list[str]) -> None:
    assert argv[0].endswith("portique"), argv
    with main.make_context("portique", argv[1:], resilient_parsing=False) as ctx:
        names = argv[1:]
        command: click.Command = main
        while isinstance(command, click.Group) and names:
            sub = command.get_command(ctx, names[0])
            assert sub is not None, f"unknown command in {argv}"
            sub.make_context(names[0], names[1:], parent=ctx)  # raises on an unknown option
            command, names = sub, names[1:]


@pytest.mark.parametrize("unit", ["portique-serve.service", "portique-worker.service"])
def test_systemd_units_run_real_commands(unit):
    lines = (DEPLOY / "systemd" / unit).read_text().splitlines()
    commands = [line.split("=", 1)[1] for line in lines if line.startswith(("ExecStart=", "ExecStartPre="))]
    assert commands
    for command in commands:
        _check_command(shlex.split(command))
    assert "EnvironmentFile=/etc/portique/portique.env" in lines
    assert "NoNewPrivileges=yes" in lines


def test_compose_commands_and_settings_exist():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert {"postgres", "redis", "migrate", "app", "worker"} <= set(compose["services"])
    for name in ("migrate", "app", "worker"):
        _check_command(compose["services"][name]["command"])
    known = {f"PORTIQUE_{field.upper()}" for field in Settings.model_fields}
    assert set(compose["x-portique"]["environment"]) <= known
    env_file = (DEPLOY / "systemd" / "portique.env").read_text().splitlines()
    assert {line.split("=", 1)[0] for line in env_file if line and not line.startswith("#")} <= known
