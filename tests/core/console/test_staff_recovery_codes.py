"""Recovery codes of staff: made at the two-step setup, typed at the console sign-in, single use, throttled."""

from __future__ import annotations

import html
import re

import httpx
import pyotp
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.staff.models import Staff, StaffRecoveryCode
from core.staff.recovery import issue_codes
from core.staff.status import reset_two_step
from core.testing import csrf_of, mail_text
from tests.core.console.conftest import PASSWORD, staff_login

CODE = re.compile(r"\b[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{2}\b")


def codes_in(page: str) -> list[str]:
    block = page.split('<pre class="recovery-codes__list"', 1)[1].split("</pre>", 1)[0]
    return CODE.findall(html.unescape(block))


async def codes_for(portal, staff) -> list[str]:
    async with portal.database.session() as db:
        codes = await issue_codes(db, await db.get(Staff, staff.id))
        await db.commit()
    return codes


async def recovery_login(client, staff, recovery_code: str, *, code: str = "") -> httpx.Response:
    page = await client.get("/console/login")
    assert "Use a recovery code" in page.text
    data = {"csrf_token": csrf_of(page.text), "email": staff.email, "password": PASSWORD, "code": code}
    return await client.post("/console/login", data={**data, "recovery_code": recovery_code})


async def actions(portal, staff_id: int) -> list[str]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == str(staff_id))))


async def test_the_two_step_setup_shows_codes_once(operator_client, make_staff, portal):
    operator = await make_staff("op@ops.test", role="operator")
    async with portal.database.session() as db:
        await reset_two_step(db, await db.get(Staff, operator.id), await db.get(Staff, operator.id))
        await db.commit()
    page = await operator_client.get("/console/login")
    answer = await operator_client.post(
        "/console/login",
        data={"csrf_token": csrf_of(page.text), "email": operator.email, "password": PASSWORD, "code": ""},
    )
    assert answer.headers["location"] == "/console/two-step"
    setup = await operator_client.get("/console/two-step")
    secret = re.search(r'<code class="two-step-key">([A-Z2-7]+)</code>', setup.text).group(1)
    done = await operator_client.post(
        "/console/two-step", data={"csrf_token": csrf_of(setup.text), "code": pyotp.TOTP(secret).now()}
    )
    assert done.headers["location"] == "/console/recovery-codes?next=%2Fconsole"
    shown = await operator_client.get(done.headers["location"])
    assert len(set(codes_in(shown.text))) == 10
    assert 'href="/console"' in shown.text
    again = await operator_client.get("/console/recovery-codes")
    assert 'class="recovery-codes__list"' not in again.text
    assert "10 recovery codes are left" in again.text


async def test_a_recovery_code_signs_staff_in_once_with_mail_and_audit(make_staff, portal, mailbox, app):
    agent = await make_staff("a@ops.test")
    operator = await make_staff("op@ops.test", role="operator")
    codes = await codes_for(portal, operator)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        signed = await recovery_login(client, operator, codes[0].upper())
        assert signed.status_code == 303
        assert (await client.get("/console/tickets")).status_code == 200
    assert "console.recovery_code_used" in await actions(portal, operator.id)
    mail = mail_text(await mailbox.last("op@ops.test"))
    assert "recovery code was just used" in mail
    assert "9 recovery codes are left" in mail
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        again = await recovery_login(client, operator, codes[0])
        assert again.status_code == 400, "a used code is burnt"
        assert (await client.get("/console/tickets")).status_code == 303
        await codes_for(portal, agent)
        assert (await recovery_login(client, agent, codes[1])).status_code == 303, "no second factor for this agent"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        other = await make_staff("op2@ops.test", role="operator")
        assert (await recovery_login(client, other, codes[1])).status_code == 400, "another's code is refused"


async def test_a_wrong_password_does_not_burn_a_code(make_staff, portal, operator_client):
    operator = await make_staff("op@ops.test", role="operator")
    codes = await codes_for(portal, operator)
    page = await operator_client.get("/console/login")
    data = {"csrf_token": csrf_of(page.text), "email": operator.email, "password": "wrong", "recovery_code": codes[0]}
    assert (await operator_client.post("/console/login", data=data)).status_code == 400
    assert (await recovery_login(operator_client, operator, codes[0])).status_code == 303


async def test_recovery_codes_are_throttled_like_sign_ins(make_staff, portal, operator_client):
    operator = await make_staff("op@ops.test", role="operator")
    codes = await codes_for(portal, operator)
    for _ in range(5):
        assert (await recovery_login(operator_client, operator, "2222-2222-22")).status_code == 400
    locked = await recovery_login(operator_client, operator, codes[0])
    assert locked.status_code == 429
    async with portal.database.session() as db:
        unused = await db.scalar(
            select(func.count()).select_from(StaffRecoveryCode).where(StaffRecoveryCode.used_at.is_(None))
        )
    assert unused == 10, "nothing is checked (nor burnt) while locked"


async def test_regenerating_needs_the_password_and_a_reset_deletes_the_codes(make_staff, portal, operator_client):
    operator = await make_staff("op@ops.test", role="operator")
    old = await codes_for(portal, operator)
    assert (await staff_login(operator_client, operator)).status_code == 303
    page = await operator_client.get("/console/recovery-codes")
    wrong = await operator_client.post(
        "/console/recovery-codes", data={"csrf_token": csrf_of(page.text), "current_password": "nope"}
    )
    assert wrong.status_code == 400
    assert "current password is incorrect" in wrong.text
    made = await operator_client.post(
        "/console/recovery-codes", data={"csrf_token": csrf_of(page.text), "current_password": PASSWORD}
    )
    assert made.status_code == 303
    new = codes_in((await operator_client.get("/console/recovery-codes")).text)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "console.recovery_codes_regenerated" in await actions(portal, operator.id)
    async with portal.database.session() as db:
        member = await db.get(Staff, operator.id)
        await reset_two_step(db, member, member)
        await db.commit()
        left = await db.scalar(
            select(func.count()).select_from(StaffRecoveryCode).where(StaffRecoveryCode.owner_id == operator.id)
        )
    assert left == 0
