"""The login reference: raw argon2id verifications per second with the core's parameters."""

from __future__ import annotations

import threading
import time

from core.identity.passwords import HASHER
from core.settings import Settings


def server_threads() -> int:
    """How many hashing threads a Portique process started with this environment uses (``hash_concurrency``)."""
    return Settings().hash_concurrency


def verify_rate(seconds: float, threads: int) -> float:
    """argon2id ``verify`` calls per second on ``threads`` threads (argon2-cffi releases the GIL)."""
    stored = HASHER.hash("bench-password")
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def work(slot: int) -> None:
        while time.perf_counter() < deadline:
            HASHER.verify(stored, "bench-password")
            counts[slot] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def parameters() -> str:
    """The hasher's parameters, as m/t/p."""
    return f"m={HASHER.memory_cost // 1024} MiB, t={HASHER.time_cost}, p={HASHER.parallelism}"
