"""One conformance test for every session store (database, Redis)."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from core.db.base import utcnow
from core.sessions.store import DatabaseSessionStore, RedisSessionStore, SessionData


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["database", "redis"])
async def store(request, portal, make_tenant):
    if request.param == "database":
        yield DatabaseSessionStore(portal.database)
        return
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    redis_store = RedisSessionStore("redis://127.0.0.1:6379/15")
    await redis_store.redis.flushdb()
    yield redis_store
    await redis_store.redis.flushdb()
    await redis_store.redis.aclose()


async def test_store_round_trip_tenant_binding_expiry_and_user_revocation(store, make_tenant):
    one = await make_tenant("one")
    two = await make_tenant("two")
    now = utcnow()
    alive = SessionData(id="a" * 64, tenant_id=one.id, expires_at=now + timedelta(hours=1), user_id=7, data={"k": 1})
    other = SessionData(id="b" * 64, tenant_id=one.id, expires_at=now + timedelta(hours=1), user_id=7)
    expired = SessionData(id="c" * 64, tenant_id=one.id, expires_at=now - timedelta(seconds=1), user_id=7)
    for session in (alive, other, expired):
        await store.save(session)

    loaded = await store.load("a" * 64, one.id)
    assert loaded is not None
    assert loaded.data == {"k": 1}
    assert loaded.user_id == 7
    assert await store.load("a" * 64, two.id) is None, "a session is worthless on another tenant"
    assert await store.load("c" * 64, one.id) is None, "an expired session is gone"

    listed = await store.list_for_user(one.id, 7)
    assert {s.id for s in listed} == {"a" * 64, "b" * 64}

    assert await store.delete_for_user(one.id, 7, keep="a" * 64) >= 1
    assert await store.load("b" * 64, one.id) is None
    assert await store.load("a" * 64, one.id) is not None
    await store.delete("a" * 64)
    assert await store.load("a" * 64, one.id) is None


async def test_create_replaces_old_ids_and_update_never_revives_a_revoked_session(store, make_tenant):
    one = await make_tenant("one")
    until = utcnow() + timedelta(hours=1)
    anonymous = SessionData(id="d" * 64, tenant_id=one.id, expires_at=until, data={"csrf": 1})
    await store.create(anonymous)
    signed_in = SessionData(id="e" * 64, tenant_id=one.id, expires_at=until, user_id=7)
    await store.create(signed_in, replacing=["d" * 64])  # sign-in rotates the id in one write
    assert await store.load("d" * 64, one.id) is None
    assert (await store.load("e" * 64, one.id)).user_id == 7

    signed_in.data["seen"] = True
    await store.update(signed_in)
    assert (await store.load("e" * 64, one.id)).data == {"seen": True}

    await store.delete_for_user(one.id, 7)  # "sign out everywhere" while a request is in flight
    await store.update(signed_in)  # ...which then slides its idle timeout
    assert await store.load("e" * 64, one.id) is None, "a revoked session must stay revoked"
