"""``portique serve`` runs on uvloop and httptools (``uvicorn[standard]``), and says so."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from core import serving


def test_the_stack_is_uvloop_and_httptools() -> None:
    """Both are dependencies: a deployment without them would serve at a third of the rate."""
    assert serving.http_stack() == {"loop": "uvloop", "http": "httptools"}


def test_serve_hands_the_stack_to_uvicorn_and_says_which(monkeypatch, capsys) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda app, **options: calls.append(options))
    serving.serve("core.app:create_app", host="127.0.0.1", port=0, log_level="warning")
    assert calls[0]["loop"] == "uvloop"
    assert calls[0]["http"] == "httptools"
    assert "HTTP stack: uvloop event loop, httptools HTTP parser" in capsys.readouterr().out


def test_uvicorn_config_built_from_the_stack_uses_httptools_and_uvloop() -> None:
    """uvicorn really resolves the names to its httptools protocol and the uvloop loop setup."""
    config = uvicorn.Config("tests.fixtures.pid_app:pid_app", factory=True, **serving.http_stack())
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    assert config.loop == "uvloop"


def test_an_explicit_choice_wins_over_the_default(monkeypatch, capsys) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda app, **options: calls.append(options))
    serving.serve("core.app:create_app", host="127.0.0.1", port=0, loop="asyncio", http="h11")
    assert (calls[0]["loop"], calls[0]["http"]) == ("asyncio", "h11")
    assert "asyncio event loop, h11 HTTP parser" in capsys.readouterr().out


@pytest.mark.parametrize(("missing", "expected"), [("uvloop", "asyncio"), ("httptools", "h11")])
def test_without_the_libraries_the_stack_falls_back_and_says_so(monkeypatch, missing, expected) -> None:
    real = serving.importlib.util.find_spec
    monkeypatch.setattr(serving.importlib.util, "find_spec", lambda name: None if name == missing else real(name))
    assert expected in serving.http_stack().values()
