"""Password hashing with argon2id, off the event loop and with bounded concurrency.

Hashes run on a thread pool of their own with ``PORTIQUE_HASH_CONCURRENCY`` threads: at most that
many run at once in a process, waiting requests queue in the pool (a free thread takes the next
one at once, without waiting for the event loop), and only those threads ever hold argon2's
19 MiB working memory, which each keeps for its next hash. On Linux the hashing threads run at a
lower priority than the event loop (5 steps of niceness), so when the CPU is short other requests go
first and hashing takes the rest; with a core to spare it changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.portal import get_portal

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
HASH_NICENESS = 5  # added to the process's niceness for the hashing threads
_DUMMY_HASH = HASHER.hash("portique-timing-equaliser")


def _lower_priority() -> None:
    """Lower the calling thread's priority (Linux schedules threads one by one; elsewhere nothing)."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        with contextlib.suppress(OSError):  # a hashing thread at the usual priority still works
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASH_NICENESS))


@functools.cache
def _pool(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="portique-hash", initializer=_lower_priority)


def _executor() -> ThreadPoolExecutor:
    """The process's hashing threads, as many as the active portal's ``hash_concurrency``."""

    try:
        size = get_portal().settings.hash_concurrency
    except LookupError:
        size = 2
    return _pool(size)


async def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (computed on a hashing thread)."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), HASHER.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Check ``password``; with no stored hash a dummy is verified so timing does not tell."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), _verify, stored, password)


def needs_rehash(stored: str) -> bool:
    """The hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
