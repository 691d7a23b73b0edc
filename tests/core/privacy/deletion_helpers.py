"""Helpers of the deletion tests: confirm on the profile, cancel, let the grace period pass and the worker run."""

from __future__ import annotations

from datetime import timedelta

import httpx

from core.portal import Portal
from core.privacy.carrying_out import carry_out_due_deletions
from core.privacy.settings import DEFAULT_GRACE_DAYS
from tests.core.identity.identity_helpers import PASSWORD, csrf_of


async def ask_for_deletion(client: httpx.AsyncClient, password: str = PASSWORD) -> httpx.Response:
    """Open "Delete my account" and confirm with ``password`` (a signed-in client)."""
    page = await client.get("/profile/delete")
    assert page.status_code == 200, page.text
    return await client.post("/profile/delete", data={"csrf_token": csrf_of(page.text), "current_password": password})


async def after_grace(portal: Portal, time_machine, days: int = DEFAULT_GRACE_DAYS) -> int:
    """Move the frozen clock past the grace period and run the worker's job; how many deletions were done."""
    time_machine.shift(timedelta(days=days, minutes=1))
    return await carry_out_due_deletions(portal)
