"""Several workers: each with its own SO_REUSEPORT socket, all of them serving, restarted when they die."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="SO_REUSEPORT is Linux/BSD only")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the supervisor exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("not serving in time")


@pytest.fixture
def two_workers() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    code = (
        "from core.serving import serve; "
        f"serve('tests.fixtures.pid_app:pid_app', host='127.0.0.1', port={port}, workers=2, log_level='warning')"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)  # noqa: S603 - our own interpreter
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def _pids_seen(url: str, connections: int = 32) -> set[str]:
    """The worker pids answering a burst of keep-alive connections opened at once (as a load generator does)."""

    def one_client(_: int) -> set[str]:
        with httpx.Client(timeout=10) as client:  # one connection, kept alive
            return {client.get(url).text for _ in range(5)}

    with ThreadPoolExecutor(max_workers=connections) as pool:
        return set().union(*pool.map(one_client, range(connections)))


def _pid_per_connection(url: str, connections: int) -> list[str]:
    """Open ``connections`` sockets at once (as a load generator does), then ask each which worker holds it."""
    address = httpx.URL(url)
    sockets = [socket.socket() for _ in range(connections)]
    for sock in sockets:  # non-blocking connects: the whole burst lands in the accept queue together
        sock.setblocking(False)
        sock.connect_ex((address.host, address.port))
    pids = []
    for sock in sockets:
        select.select([], [sock], [], 10)
        sock.setblocking(True)
        with sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            response = b""
            while chunk := sock.recv(4096):
                response += chunk
            pids.append(response.split(b"\r\n\r\n", 1)[1].decode())
    return pids


def test_a_burst_of_connections_is_spread_over_both_workers(two_workers):
    """With one shared socket the first worker to wake would accept the whole burst."""
    url, _ = two_workers
    pids = _pid_per_connection(url, 32)
    counts = sorted(pids.count(pid) for pid in set(pids))
    assert len(counts) == 2, counts
    assert counts[0] >= 6, counts  # kernel hashing: about 16 each (below 6: odds about 1e-5)


def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(two_workers):
    url, _ = two_workers
    victim = int(httpx.get(url, timeout=5).text)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    seen: set[str] = set()
    while time.monotonic() < deadline and len(seen) < 2:
        seen = _pids_seen(url, connections=8) - {str(victim)}
    assert len(seen) == 2  # the survivor and the replacement


def test_sigterm_stops_the_supervisor_and_its_workers(two_workers):
    url, process = two_workers
    workers = _pids_seen(url)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
