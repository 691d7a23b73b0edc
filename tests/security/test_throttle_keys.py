"""Throttles count the account, not the spelling: username, e-mail, case, spaces and full-width variants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.identity import pages
from core.identity.models import UserStatus
from core.identity.users import create_user, identifier_key
from tests.core.identity.identity_helpers import PASSWORD, post_form, sign_in

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
# Nine spellings of one account: under the per-IP limit (10 a minute), over the per-account one (5).
SPELLINGS = [
    "ada_l",
    "ada@example.com",
    "ADA_L",
    " ada_l ",
    "Ada@Example.COM",
    "ＡＤＡ＿Ｌ",  # full-width
    "ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "ada_l\t",
    "ADA@EXAMPLE.COM ",
]


@pytest.fixture
async def acme(make_tenant, portal, monkeypatch):
    monkeypatch.setattr(pages, "login_identifiers", lambda tenant: ("username", "email"))
    tenant = await make_tenant("acme")
    async with portal.database.session(tenant.id) as db:
        await create_user(db, email="ada@example.com", username="ada_l", password=PASSWORD, status=UserStatus.ACTIVE)
        await db.commit()
    return tenant


async def _checked(portal) -> int:
    """How many wrong passwords were checked (each failed check is audited)."""
    async with portal.database.session() as db:
        count = await db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "identity.login_failed")
        )
    return int(count or 0)


def test_identifier_key_folds_case_spaces_and_width():
    assert {identifier_key(s) for s in ("Grace", " grace ", "ＧＲＡＣＥ", "GRACE\t")} == {"grace"}


async def test_alternating_identifiers_of_one_account_share_its_limit(acme, tenant_client, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = tenant_client(acme)
    answers = [(await sign_in(client, spelling, "wrong guess")).status_code for spelling in SPELLINGS]
    assert answers == [200] * 5 + [429] * 4, answers
    assert await _checked(portal) == 5, "5 wrong passwords checked in all, whatever the spelling"
    locked = await sign_in(tenant_client(acme), "ＡＤＡ＿Ｌ", PASSWORD)
    assert locked.status_code == 429, "the right password waits too, in any spelling"


async def test_the_full_width_spelling_signs_in(acme, tenant_client):
    assert (await sign_in(tenant_client(acme), "ＡＤＡ＿Ｌ")).status_code == 303


async def test_variants_of_an_unknown_identifier_share_one_count(acme, tenant_client, portal, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = tenant_client(acme)
    spellings = ["ghost", "GHOST", " ghost", "ｇｈｏｓｔ", "Ghost ", "gHoSt", "ＧＨＯＳＴ"]
    answers = [(await sign_in(client, spelling, "wrong guess")).status_code for spelling in spellings]
    assert answers == [200] * 5 + [429] * 2, answers


async def test_reset_links_are_counted_per_account(acme, tenant_client, mailbox, time_machine):
    time_machine.move_to(NOW, tick=False)
    for spelling in ("ada_l", "ada@example.com", "ADA_L ", "ａｄａ＿ｌ", "Ada@Example.com"):
        answer = await post_form(tenant_client(acme), "/password/forgot", {"email": spelling})
        assert answer.status_code in (303, 429)
        assert answer.headers.get("location", "/password/forgot/sent") == "/password/forgot/sent"
    assert len(await mailbox.messages("ada@example.com")) == 3, "3 links per 15 minutes, whatever was typed"
