"""Forgot password tells nothing: the answer is sent before any work that depends on the account.

Timing is not asserted (it would be flaky on a shared machine); what makes the timing equal is: the
statements run before the answer are the same for a known and an unknown address, the answers are
byte-identical, and the token and the mail are written after the answer was sent.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.identity import pages
from core.identity.models import UserStatus
from core.identity.users import create_user
from tests.core.identity.identity_helpers import PASSWORD, csrf_of


class Recorder:
    """An ASGI wrapper that notes the statements run before the answer starts, and those after it."""

    def __init__(self, app: Any, queries: Any) -> None:
        self.app, self.queries = app, queries
        self.before: list[str] = []
        self.after: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = len(self.queries.statements)
        answered: list[int] = []

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                answered.append(len(self.queries.statements))
            await send(message)

        await self.app(scope, receive, watch)
        cut = answered[0] if answered else len(self.queries.statements)
        self.before = self.queries.statements[start:cut]
        self.after = self.queries.statements[cut:]


async def _forgot(recorder: Recorder, slug: str, typed: str) -> tuple[httpx.Response, list[str], list[str]]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorder), base_url=f"http://{slug}.localhost") as c:
        page = await c.get("/password/forgot")
        answer = await c.post("/password/forgot", data={"csrf_token": csrf_of(page.text), "email": typed})
        for varying in ("set-cookie", "x-request-id"):  # a new session and request id every time
            answer.headers.pop(varying, None)
        return answer, recorder.before, recorder.after


def _writes(statements: list[str]) -> list[str]:
    return [s.split()[2] for s in statements if s.lstrip().upper().startswith("INSERT")]


@pytest.mark.parametrize("by_username", [False, True], ids=["e-mail tenant", "username tenant"])
async def test_known_and_unknown_get_the_same_bytes_after_the_same_statements(
    app, make_tenant, portal, queries, mailbox, monkeypatch, by_username
):
    if by_username:
        monkeypatch.setattr(pages, "login_identifiers", lambda tenant: ("username", "email"))
    tenant = await make_tenant("acme")
    async with portal.database.session(tenant.id) as db:
        await create_user(db, email="ada@example.com", username="ada_l", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    recorder = Recorder(app, queries)
    typed = ("ada_l", "grace_h") if by_username else ("ada@example.com", "grace@example.com")
    known, known_before, known_after = await _forgot(recorder, "acme", typed[0])
    unknown, unknown_before, unknown_after = await _forgot(recorder, "acme", typed[1])

    assert known.status_code == unknown.status_code == 303
    assert dict(known.headers) == dict(unknown.headers)
    assert known.content == unknown.content
    assert known_before == unknown_before, "the same statements before the answer"
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in known_before + unknown_before)
    assert not any("FROM users" in s for s in known_before + unknown_before), "no account lookup before the answer"
    assert {"action_tokens", "mail_outbox"} <= set(_writes(known_after)), known_after
    assert not {"action_tokens", "mail_outbox"} & set(_writes(unknown_after)), unknown_after
    assert [m["To"] for m in await mailbox.messages()] == ["ada@example.com"]
