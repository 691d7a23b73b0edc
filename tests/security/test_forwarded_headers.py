"""``X-Forwarded-For`` is believed only from ``PORTIQUE_TRUSTED_PROXIES`` (nobody by default).

The app is served through the uvicorn configuration ``portique serve`` uses (``proxy_options``), so
what is tested is the header handling of the real server, in front of the per-IP sign-in throttle.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from core.serving import proxy_options
from core.settings import ConfigurationError, load_settings
from tests.core.identity.identity_helpers import csrf_of

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def _sign_in_storm(app, settings, peer: str) -> list[int]:
    """11 wrong sign-ins with 11 logins from one peer, each claiming another address."""
    config = uvicorn.Config(app, **proxy_options(settings))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 40000))
    answers = []
    async with httpx.AsyncClient(transport=transport, base_url="http://acme.localhost") as client:
        page = await client.get("/login")
        for index in range(11):
            forged = {"X-Forwarded-For": f"203.0.113.{index + 1}"}
            answer = await client.post(
                "/login",
                data={"csrf_token": csrf_of(page.text), "login": f"user{index}@example.com", "password": "guess"},
                headers=forged,
            )
            answers.append(answer.status_code)
    return answers


def test_no_proxy_is_trusted_by_default(portique_settings):
    assert portique_settings.trusted_proxies == ""
    assert proxy_options(portique_settings) == {"proxy_headers": False, "forwarded_allow_ips": []}


async def test_a_forged_header_does_not_change_the_throttles_address(app, make_tenant, portique_settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_tenant("acme")
    answers = await _sign_in_storm(app, portique_settings, "127.0.0.1")
    assert answers == [200] * 10 + [429], "the 11th failure from one peer is throttled, whatever it claims"


async def test_a_trusted_proxy_passes_the_client_address(app, make_tenant, portique_settings, time_machine):
    time_machine.move_to(NOW, tick=False)
    await make_tenant("acme")
    settings = portique_settings.model_copy(update={"trusted_proxies": "127.0.0.1,10.0.0.0/8"})
    answers = await _sign_in_storm(app, settings, "10.1.2.3")
    assert answers == [200] * 11, "behind a trusted proxy each forwarded address has its own count"
    untrusted = await _sign_in_storm(app, settings, "192.0.2.7")
    assert untrusted[-1] == 429, "a peer outside the list is its own address"


@pytest.mark.parametrize("value", ["*", "proxy.example", "10.0.0.0/33"])
def test_a_bad_proxy_list_stops_start_up_naming_the_setting(value, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTIQUE_TRUSTED_PROXIES", value)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path))
    with pytest.raises(ConfigurationError, match="PORTIQUE_TRUSTED_PROXIES"):
        load_settings()


def test_the_list_is_tidied(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTIQUE_TRUSTED_PROXIES", " 127.0.0.1 , ::1,10.0.0.0/8 ")
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path))
    assert load_settings().trusted_proxy_list == ["127.0.0.1", "::1", "10.0.0.0/8"]
