"""Password hashing with argon2id, off the event loop and with bounded concurrency.

Hashes run on a thread pool of their own with ``PORTIQUE_HASH_CONCURRENCY`` threads: at most that
many run at once in a process, waiting requests queue in the pool (a free thread takes the next
one at once, without waiting for the event loop), and only those threads ever hold argon2's
19 MiB working memory, which each keeps for its next hash.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_DUMMY_HASH = HASHER.hash("portique-timing-equaliser")


@functools.cache
def _pool(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="portique-hash")


def _executor() -> ThreadPoolExecutor:
    """The process's hashing threads, as many as the active portal's ``hash_concurrency``."""
    from core.portal import get_portal

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
