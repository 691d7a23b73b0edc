"""``portique serve``: several workers need a shared throttle store, and start-up says what is shared."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from core import serving
from core.cli import main


@pytest.fixture
def served(tmp_path, monkeypatch) -> list[dict[str, Any]]:
    """What ``portique serve`` would hand to uvicorn (nothing is served)."""
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PORTIQUE_REDIS_URL", raising=False)
    monkeypatch.delenv("PORTIQUE_TRUSTED_PROXIES", raising=False)
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving, "serve", lambda app, **options: calls.append(options))
    return calls


def test_several_workers_without_redis_are_refused_with_the_reason(served):
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code != 0
    assert "--workers 2 needs PORTIQUE_REDIS_URL" in result.output
    assert "2 times higher" in result.output
    assert served == [], "nothing is served"


def test_one_worker_without_redis_says_its_counters_are_its_own(served):
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert "throttle counters: in this process" in result.output
    assert "forwarded headers trusted from: nobody" in result.output
    assert served[0]["workers"] == 1
    assert served[0]["proxy_headers"] is False
    assert served[0]["event_loop"] == "asyncio"


def test_the_event_loop_is_the_configured_one(served, monkeypatch):
    monkeypatch.setenv("PORTIQUE_EVENT_LOOP", "uvloop")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    assert served[0]["event_loop"] == "uvloop"


def test_several_workers_with_redis_share_the_counters(served, monkeypatch):
    monkeypatch.setenv("PORTIQUE_REDIS_URL", "redis://127.0.0.1:6379/14")
    monkeypatch.setenv("PORTIQUE_TRUSTED_PROXIES", "127.0.0.1")
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "throttle counters: Redis, shared by every worker" in result.output
    assert "forwarded headers trusted from: 127.0.0.1" in result.output
    assert served[0]["workers"] == 2
    assert served[0]["forwarded_allow_ips"] == ["127.0.0.1"]
