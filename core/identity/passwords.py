"""Password hashing with argon2id, off the event loop and with bounded concurrency."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16)
_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}
_DUMMY_HASH = HASHER.hash("portique-timing-equaliser")


def _semaphore() -> asyncio.Semaphore:
    """The hashing slots of the running event loop (a semaphore must not cross loops)."""
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        from core.portal import get_portal

        try:
            size = get_portal().settings.hash_concurrency
        except LookupError:
            size = 2
        for old in [known for known in _slots if known.is_closed()]:
            del _slots[old]
        slots = _slots[loop] = asyncio.Semaphore(size)
    return slots


async def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (computed in a worker thread)."""
    async with _semaphore():
        return await asyncio.to_thread(HASHER.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Check ``password``; with no stored hash a dummy is verified so timing does not tell."""
    async with _semaphore():
        return await asyncio.to_thread(_verify, stored, password)


def needs_rehash(stored: str) -> bool:
    """The hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True
