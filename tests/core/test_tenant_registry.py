"""The tenant registry reloads once for every request waiting on it, and lets them all go together."""

from __future__ import annotations

import asyncio
import time

from core.tenancy.registry import TenantRegistry


def _registry_with_held_reload(portal) -> tuple[TenantRegistry, asyncio.Event, list[int]]:
    registry = TenantRegistry(portal.database, "localhost")
    release, calls = asyncio.Event(), []

    async def reload() -> None:
        calls.append(1)
        await release.wait()
        registry._loaded_at = time.monotonic()

    registry._reload = reload  # type: ignore[method-assign]
    return registry, release, calls


async def test_requests_waiting_for_the_first_load_share_one_reload_and_resume_together(portal):
    registry, release, calls = _registry_with_held_reload(portal)
    waiting = [asyncio.create_task(registry.refresh()) for _ in range(50)]
    await asyncio.sleep(0)
    assert not any(task.done() for task in waiting)
    release.set()
    for _ in range(3):  # behind a lock, each waiter would need a turn of the loop of its own
        await asyncio.sleep(0)
    assert all(task.done() for task in waiting)
    assert calls == [1]


async def test_a_stale_view_is_served_while_another_request_reloads(portal):
    registry, release, calls = _registry_with_held_reload(portal)
    registry._loaded_at = time.monotonic() - 60  # loaded once, long ago
    reloading = asyncio.create_task(registry.refresh())
    await asyncio.sleep(0)
    await asyncio.wait_for(registry.refresh(), timeout=1)  # returns at once with the previous view
    assert not reloading.done()
    release.set()
    await reloading
    assert calls == [1]


async def test_a_forced_refresh_runs_after_a_reload_already_in_progress(portal):
    registry, release, calls = _registry_with_held_reload(portal)
    registry._loaded_at = time.monotonic() - 60
    reloading = asyncio.create_task(registry.refresh())
    await asyncio.sleep(0)
    forced = asyncio.create_task(registry.refresh(force=True))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(reloading, forced)
    assert calls == [1, 1]  # the one in progress may have read before the change the caller made


async def test_a_cancelled_request_does_not_cancel_the_reload_others_wait_for(portal):
    registry, release, calls = _registry_with_held_reload(portal)
    first, second = asyncio.create_task(registry.refresh()), asyncio.create_task(registry.refresh())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    release.set()
    await second
    assert registry._fresh()
    assert calls == [1]
