"""``portique serve --workers 2``: every scrape adds up both workers, and counters never go backwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.tenancy.service import create_tenant
from core.testing import DEFAULT_TENANT
from tests.core.test_metrics import samples, value

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="SO_REUSEPORT is Linux/BSD only")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_env(settings, **extra: str) -> dict[str, str]:
    """The environment of a ``portique`` subprocess on the test's database and ``var/`` folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTIQUE_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        PORTIQUE_DATABASE_URL=settings.database_url,
        PORTIQUE_SECRET_KEY=settings.secret_key,
        PORTIQUE_VAR_DIR=str(settings.var_dir),
        PORTIQUE_LOG_JSON="false",
        **extra,
    )
    return env


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until ``url`` answers 200 (the supervisor must stay alive meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "portique serve exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} not serving in time")


def add_tenant(run_async, slug: str, **values: object) -> None:
    """Create a tenant in the test database, from a sync test."""

    async def create(portal) -> None:
        async with portal.database.session() as db:
            await create_tenant(db, portal.plugins, slug=slug, **{**DEFAULT_TENANT, **values})
            await db.commit()

    run_async(create)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait (SIGKILL after a minute)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_scrapes_add_up_both_workers_and_never_go_backwards(portique_settings, run_async):
    add_tenant(run_async, "acme")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = serve_env(portique_settings, PORTIQUE_METRICS_TOKEN="scrape-token")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
        [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--workers", "2", "--no-access-log"],
        cwd=ROOT,
        env=env,
    )
    auth = {"Authorization": "Bearer scrape-token"}
    try:
        wait_until_serving(f"{base}/healthz", process)
        for _ in range(40):  # a new connection each time: SO_REUSEPORT spreads them over both workers
            assert httpx.get(f"{base}/t/acme/", timeout=10).status_code == 200
        assert httpx.get(f"{base}/metrics", timeout=10).status_code == 401
        seen: list[float] = []
        pids: set[str] = set()
        deadline = time.monotonic() + 30
        while len(seen) < 8 or (seen[-1] < 40 and time.monotonic() < deadline):
            with httpx.Client(timeout=10) as client:  # a fresh connection per scrape, like Prometheus
                text = client.get(f"{base}/metrics", headers=auth).text
            seen.append(value(text, "portique_requests_total", tenant="acme", status="200"))
            pids |= {
                dict(labels).get("pid", "")
                for name, labels in samples(text)
                if name == "portique_process_resident_memory_bytes"
            }
        assert seen == sorted(seen), f"a counter went backwards: {seen}"
        assert seen[-8:] == [40.0] * 8, seen
        assert len(pids - {""}) == 2, pids  # both workers report their resources
        assert httpx.get(f"{base}/t/acme/metrics", headers=auth, timeout=10).status_code == 404
        assert httpx.get(f"{base}/metrics", headers={**auth, "Host": "acme.localhost"}, timeout=10).status_code == 404
    finally:
        stop(process)
    assert process.returncode == 0
