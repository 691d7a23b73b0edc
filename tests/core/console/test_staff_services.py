"""Staff services: enrolment with a mailed link, links, scope, disabling, two-step reset, the last operator."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.db.base import utcnow
from core.identity.passwords import verify_password
from core.identity.tokens import TokenProblem, hash_token
from core.staff.accounts import StaffError, categories_of, check_credentials, tenant_ids_of
from core.staff.directory import staff_directory
from core.staff.enrolment import enrol_staff
from core.staff.links import LINK_VALID_FOR, check_link, issue_link, set_password_with_link
from core.staff.models import Staff, StaffLink
from core.staff.scope import change_scope, scope_of
from core.staff.status import disable_staff, enable_staff, reset_two_step, session_ended
from core.staff.two_step import setup_due
from core.testing import mail_links

NEW_PASSWORD = "a brand new staff password"


async def _enrol(portal, actor, email="new@ops.test", **kw):
    async with portal.database.session() as db:
        actor = await db.get(Staff, actor.id)
        values = {"name": "New Agent", "role": "agent", "tenant_ids": [], "categories": [], "locale": "en", **kw}
        staff = await enrol_staff(db, actor, email=email, **values)
        await db.commit()
        return staff


async def _actions(portal, subject_id):
    async with portal.database.session() as db:
        rows = await db.scalars(select(AuditEvent).where(AuditEvent.subject_type == "staff"))
        return [(e.action, e.actor_id) for e in rows if e.subject_id == str(subject_id)]


async def test_enrolment_mails_a_single_use_link_stored_hashed(portal, make_staff, mailbox, alpha):
    operator = await make_staff("op@ops.test", role="operator")
    staff = await _enrol(portal, operator, tenant_ids=[alpha.id], categories=["billing"], locale="fr")
    (link,) = [url for url in mail_links(await mailbox.last("new@ops.test")) if "/console/password/" in url]
    raw = link.rsplit("/", 1)[1]
    async with portal.database.session() as db:
        stored = list(await db.scalars(select(StaffLink)))
        assert [row.token_hash for row in stored] == [hash_token(raw)]  # only the hash is kept
        member = await db.get(Staff, staff.id)
        assert await tenant_ids_of(db, member) == [alpha.id]
        assert await categories_of(db, member) == ["billing"]
        assert member.locale == "fr"
        assert member.totp_secret is None
        assert await check_credentials(db, "new@ops.test", "", "") is None  # no password until the link
        await set_password_with_link(db, raw, NEW_PASSWORD)
        await db.commit()
    async with portal.database.session() as db:
        assert await check_credentials(db, "new@ops.test", NEW_PASSWORD, "") is not None
        assert (await check_link(db, raw)).problem == TokenProblem.USED
        again = await set_password_with_link(db, raw, "another long password")
        assert again.problem == TokenProblem.USED
        assert await verify_password((await db.get(Staff, staff.id)).password_hash, NEW_PASSWORD)
    assert ("console.staff_created", operator.id) in await _actions(portal, staff.id)


async def test_links_expire_are_replaced_and_refuse_weak_passwords(portal, make_staff):
    agent = await make_staff("a@ops.test")
    async with portal.database.session() as db:
        member = await db.get(Staff, agent.id)
        first = await issue_link(db, member)
        second = await issue_link(db, member)
        await db.commit()
    async with portal.database.session() as db:
        assert (await check_link(db, first)).problem == TokenProblem.USED  # the new link replaced it
        assert (await check_link(db, "not-a-token")).problem == TokenProblem.UNKNOWN
        with pytest.raises(StaffError) as weak:
            await set_password_with_link(db, second, "short")
        assert weak.value.field == "password"
        assert (await check_link(db, second)).ok  # a refused password leaves the link usable
    with time_machine.travel(utcnow() + LINK_VALID_FOR + timedelta(minutes=1)):
        async with portal.database.session() as db:
            assert (await check_link(db, second)).problem == TokenProblem.EXPIRED


async def test_the_address_is_checked_and_unique(portal, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    for email, field in (("not an address", "email"), ("op@ops.test", "email")):
        with pytest.raises(StaffError) as refused:
            await _enrol(portal, operator, email=email)
        assert refused.value.field == field


async def test_scope_changes_are_saved_and_audited(portal, make_staff, alpha, beta):
    operator = await make_staff("op@ops.test", role="operator")
    agent = await make_staff("a@ops.test", tenants=[alpha])
    async with portal.database.session() as db:
        actor, member = await db.get(Staff, operator.id), await db.get(Staff, agent.id)
        await change_scope(db, actor, member, role="agent", tenant_ids=[beta.id, 999_999], categories=["meter"])
        await db.commit()
    async with portal.database.session() as db:
        member = await db.get(Staff, agent.id)
        assert await scope_of(db, member) == ([beta.id], ["meter"])  # an unknown tenant id is dropped
        entries = {e.staff.email: e for e in await staff_directory(db)}
        assert entries["a@ops.test"].tenants == [beta.name]
        assert entries["a@ops.test"].categories == ["meter"]
    assert ("console.staff_scope_changed", operator.id) in await _actions(portal, agent.id)


async def test_the_last_active_operator_can_be_neither_disabled_nor_demoted(portal, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    async with portal.database.session() as db:
        me = await db.get(Staff, operator.id)
        with pytest.raises(StaffError) as disabled:
            await disable_staff(db, me, me)
        assert disabled.value.field == "active"
        with pytest.raises(StaffError) as demoted:
            await change_scope(db, me, me, role="agent", tenant_ids=[], categories=[])
        assert demoted.value.field == "role"
        assert me.active
        assert me.is_operator
    other = await make_staff("op2@ops.test", role="operator")
    async with portal.database.session() as db:
        me, colleague = await db.get(Staff, operator.id), await db.get(Staff, other.id)
        await disable_staff(db, me, colleague)
        await db.commit()
    async with portal.database.session() as db:
        me = await db.get(Staff, operator.id)
        with pytest.raises(StaffError):  # the colleague is disabled: still the last active operator
            await disable_staff(db, me, me)


async def test_disabling_ends_sessions_and_sign_in_until_enabled(portal, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    agent = await make_staff("a@ops.test")
    before = utcnow()
    async with portal.database.session() as db:
        actor, member = await db.get(Staff, operator.id), await db.get(Staff, agent.id)
        await disable_staff(db, actor, member)
        await db.commit()
    async with portal.database.session() as db:
        member = await db.get(Staff, agent.id)
        assert session_ended(member, before)
        assert await check_credentials(db, "a@ops.test", "staff password 123", "") is None
        enable_staff(db, await db.get(Staff, operator.id), member)
        await db.commit()
    async with portal.database.session() as db:
        member = await db.get(Staff, agent.id)
        assert await check_credentials(db, "a@ops.test", "staff password 123", "") is not None
        assert session_ended(member, before)  # a session from before the disabling stays over
        assert not session_ended(member, utcnow())
    actions = [action for action, _actor in await _actions(portal, agent.id)]
    assert actions == ["console.staff_disabled", "console.staff_enabled"]


async def test_a_two_step_reset_makes_it_due_again(portal, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    agent = await make_staff("a@ops.test")
    async with portal.database.session() as db:
        actor, member = await db.get(Staff, operator.id), await db.get(Staff, agent.id)
        assert not setup_due(member)  # an agent without an authenticator signs in with a password
        await reset_two_step(db, actor, member)
        await reset_two_step(db, actor, actor)
        await db.commit()
    async with portal.database.session() as db:
        member, actor = await db.get(Staff, agent.id), await db.get(Staff, operator.id)
        assert setup_due(member)
        assert setup_due(actor)
        assert member.totp_secret is None
        assert actor.totp_secret is None
    assert ("console.staff_two_step_reset", operator.id) in await _actions(portal, agent.id)
