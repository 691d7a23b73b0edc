"""Password hashing: off the event loop, on a bounded pool of threads, the same work without a stored hash."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest

from core.identity import passwords
from core.identity.passwords import hash_password, verify_password


class _Recorder:
    """Stands in for the argon2 hasher: records which threads verify, what, and how many at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.threads: set[int] = set()
        self.verified: list[str] = []
        self.niceness: set[int] = set()

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.threads.add(threading.get_ident())
            self.verified.append(stored)
            if sys.platform == "linux":
                self.niceness.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        time.sleep(0.01)  # lets the other verifications pile up (nothing here asserts a duration)
        with self.lock:
            self.running -= 1
        return True


async def test_hashes_run_off_the_event_loop_on_at_most_hash_concurrency_threads(portal, monkeypatch):
    monkeypatch.setattr(portal.settings, "hash_concurrency", 2)
    portal.activate()
    recorder = _Recorder()
    monkeypatch.setattr(passwords, "HASHER", recorder)
    results = await asyncio.gather(*(verify_password("$argon2id$stored", "secret") for _ in range(12)))
    assert all(results)
    assert len(recorder.verified) == 12
    assert recorder.peak <= 2
    assert len(recorder.threads) <= 2
    assert threading.get_ident() not in recorder.threads


async def test_without_a_stored_hash_a_dummy_is_verified_and_the_answer_is_no(portal, monkeypatch):
    portal.activate()
    recorder = _Recorder()
    monkeypatch.setattr(passwords, "HASHER", recorder)
    assert await verify_password(None, "secret") is False
    assert recorder.verified == [passwords._DUMMY_HASH]


async def test_a_real_hash_verifies_its_password_only(portal):
    portal.activate()
    stored = await hash_password("correct horse")
    assert await verify_password(stored, "correct horse")
    assert not await verify_password(stored, "wrong horse")


@pytest.mark.skipif(sys.platform != "linux", reason="threads have their own niceness on Linux only")
async def test_hashing_threads_yield_to_the_event_loop_when_the_cpu_is_short(portal, monkeypatch):
    portal.activate()
    recorder = _Recorder()
    monkeypatch.setattr(passwords, "HASHER", recorder)
    await verify_password("$argon2id$stored", "secret")
    loop_niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert recorder.niceness == {min(19, loop_niceness + passwords.HASH_NICENESS)}
