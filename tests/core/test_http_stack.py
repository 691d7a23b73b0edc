"""``portique serve`` runs on httptools and the configured event loop (``PORTIQUE_EVENT_LOOP``), and says so."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from core import serving


def test_the_default_stack_is_asyncio_and_httptools() -> None:
    """httptools is a dependency: without it a deployment would serve at a third of the rate."""
    assert serving.http_stack() == {"loop": "asyncio", "http": "httptools"}


def test_uvloop_is_served_when_asked_for() -> None:
    assert serving.http_stack("uvloop") == {"loop": "uvloop", "http": "httptools"}


def test_serve_hands_the_stack_to_uvicorn_and_says_which(monkeypatch, capsys) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda app, **options: calls.append(options))
    serving.serve("core.app:create_app", host="127.0.0.1", port=0, event_loop="uvloop", log_level="warning")
    assert calls[0]["loop"] == "uvloop"
    assert calls[0]["http"] == "httptools"
    assert "HTTP stack: uvloop event loop, httptools HTTP parser" in capsys.readouterr().out


@pytest.mark.parametrize("event_loop", ["asyncio", "uvloop"])
def test_uvicorn_config_built_from_the_stack_uses_httptools_and_the_loop(event_loop) -> None:
    """uvicorn really resolves the names to its httptools protocol and the loop setup."""
    config = uvicorn.Config("tests.fixtures.pid_app:pid_app", factory=True, **serving.http_stack(event_loop))
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    assert config.loop == event_loop


def test_an_unknown_event_loop_is_refused_with_the_setting_named(monkeypatch) -> None:
    from core.settings import ConfigurationError, load_settings

    monkeypatch.setenv("PORTIQUE_EVENT_LOOP", "trio")
    with pytest.raises(ConfigurationError, match="PORTIQUE_EVENT_LOOP"):
        load_settings()


def test_an_explicit_choice_wins_over_the_default(monkeypatch, capsys) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serving.uvicorn, "run", lambda app, **options: calls.append(options))
    serving.serve("core.app:create_app", host="127.0.0.1", port=0, loop="asyncio", http="h11")
    assert (calls[0]["loop"], calls[0]["http"]) == ("asyncio", "h11")
    assert "asyncio event loop, h11 HTTP parser" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("missing", "event_loop", "expected"), [("uvloop", "uvloop", "asyncio"), ("httptools", "asyncio", "h11")]
)
def test_without_the_libraries_the_stack_falls_back_and_says_so(monkeypatch, missing, event_loop, expected) -> None:
    real = serving.importlib.util.find_spec
    monkeypatch.setattr(serving.importlib.util, "find_spec", lambda name: None if name == missing else real(name))
    assert expected in serving.http_stack(event_loop).values()
