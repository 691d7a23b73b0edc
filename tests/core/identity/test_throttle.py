"""The throttle behaves the same on every storage (memory, Redis)."""

from __future__ import annotations

import socket
import uuid

import pytest

from core.identity.throttle import LOGIN_PER_ACCOUNT, Bucket, Throttle, login_buckets


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["memory", "redis"])
def throttle(request):
    if request.param == "memory":
        return Throttle()
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return Throttle("redis://127.0.0.1:6379/14")


async def test_lockout_after_the_limit_and_clear(throttle):
    key = uuid.uuid4().hex
    bucket = Bucket(LOGIN_PER_ACCOUNT, ("test", key))
    assert await throttle.retry_after(bucket) == 0
    for _ in range(5):
        await throttle.hit(bucket)
    wait = await throttle.retry_after(bucket)
    assert 0 < wait <= 300
    other = Bucket(LOGIN_PER_ACCOUNT, ("test", key + "-other"))
    assert await throttle.retry_after(other) == 0, "buckets are independent"
    await throttle.clear(bucket)
    assert await throttle.retry_after(bucket) == 0


def test_login_buckets_are_per_tenant():
    ip_one, account_one = login_buckets(1, "10.0.0.1", "ada")
    ip_two, account_two = login_buckets(2, "10.0.0.1", "ada")
    assert ip_one[0].key != ip_two[0].key
    assert {b.key for b in account_one}.isdisjoint({b.key for b in account_two})
