"""The console's staff pages: list, add with a mailed link, scope, disable, two-step reset, and the attacks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pyotp
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.staff.models import Staff
from core.testing import csrf_of, mail_links
from tests.core.console.conftest import PASSWORD, staff_login
from tests.core.console.test_console_tickets import make_ticket

NEW_PASSWORD = "the agent's own passphrase"


async def _operator(make_staff, client):
    operator = await make_staff("op@ops.test", role="operator", name="Olive Operator")
    assert (await staff_login(client, operator)).status_code == 303
    return operator


async def _csrf(client, path="/console/staff"):
    return csrf_of((await client.get(path)).text)


async def _staff(portal, email):
    async with portal.database.session() as db:
        return await db.scalar(select(Staff).where(Staff.email == email))


async def _set_password_from_mail(client, mailbox, email, password=NEW_PASSWORD):
    (link,) = [url for url in mail_links(await mailbox.last(email)) if "/console/password/" in url]
    path = urlsplit(link).path
    page = await client.get(path)
    assert page.status_code == 200, page.text[:300]
    done = await client.post(path, data={"csrf_token": csrf_of(page.text), "password": password, "confirm": password})
    assert done.status_code == 303, done.text[:500]
    return path


async def test_the_list_shows_role_scope_state_two_step_and_last_sign_in(operator_client, make_staff, alpha):
    await make_staff("a@ops.test", tenants=[alpha], name="Ann Agent")
    await _operator(make_staff, operator_client)
    page = await operator_client.get("/console/staff")
    assert page.status_code == 200
    ann = re.search(r'<tr data-staff="a@ops.test">(.*?)</tr>', page.text, re.S).group(1)
    assert "Agent" in ann
    assert alpha.name in ann
    assert "Active" in ann
    assert "Not set up" in ann
    assert "Never" in ann
    olive = re.search(r'<tr data-staff="op@ops.test">(.*?)</tr>', page.text, re.S).group(1)
    assert "Operator" in olive
    assert "Set up" in olive
    assert "Never" not in olive
    assert 'href="/console/staff"' in page.text  # in the navigation
    french = await operator_client.get("/console/staff", headers={"Accept-Language": "fr"})
    assert "<h1>Personnel</h1>" in french.text
    assert "Non configurée" in french.text


async def test_an_operator_adds_an_agent_who_sets_a_password_and_signs_in(
    operator_client, make_staff, alpha, mailbox, portal, app
):
    operator = await _operator(make_staff, operator_client)
    csrf = await _csrf(operator_client, "/console/staff/new")
    form = {"csrf_token": csrf, "email": "new@ops.test", "name": "Nina New", "locale": "en", "role": "agent"}
    added = await operator_client.post("/console/staff/new", data={**form, "tenants": str(alpha.id)})
    assert added.status_code == 303
    nina = await _staff(portal, "new@ops.test")
    assert nina.role == "agent"
    assert nina.active
    async with portal.database.session() as db:
        audit = await db.scalar(select(AuditEvent).where(AuditEvent.action == "console.staff_created"))
    assert audit.actor_id == operator.id
    assert audit.subject_id == str(nina.id)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as browser:
        path = await _set_password_from_mail(browser, mailbox, "new@ops.test")
        assert (await browser.get(path)).status_code == 400  # the link is single-use
        page = await browser.get("/console/login")
        signed_in = await browser.post(
            "/console/login",
            data={"csrf_token": csrf_of(page.text), "email": "new@ops.test", "password": NEW_PASSWORD, "code": ""},
        )
        assert signed_in.status_code == 303
        assert (await browser.get("/console/tickets")).status_code == 200


async def test_the_form_keeps_what_was_typed_with_translated_errors_next_to_fields(operator_client, make_staff):
    await _operator(make_staff, operator_client)
    csrf = await _csrf(operator_client, "/console/staff/new")
    bad = await operator_client.post(
        "/console/staff/new",
        data={"csrf_token": csrf, "email": "not an address", "name": "Typed <Name>", "role": "agent", "locale": "en"},
        headers={"Accept-Language": "fr"},
    )
    assert bad.status_code == 400
    assert 'value="not an address"' in bad.text
    assert 'value="Typed &lt;Name&gt;"' in bad.text
    assert 'id="email-error"' in bad.text
    assert 'id="name-error"' in bad.text
    assert "Saisissez une adresse électronique valide" in bad.text
    taken = await operator_client.post(
        "/console/staff/new",
        data={"csrf_token": csrf, "email": "op@ops.test", "name": "Again", "role": "agent", "locale": "en"},
    )
    assert taken.status_code == 400
    assert "A staff member already has this address." in taken.text


async def test_scope_edit_and_category_scope_limits_the_agents_queue(
    operator_client, make_staff, alpha, beta, portal, tenant_client, app
):
    agent = await make_staff("a@ops.test", tenants=[alpha])
    operator = await _operator(make_staff, operator_client)
    billing = await make_ticket(portal, alpha, subject="About my bill")  # alpha's first category
    other = next(c.code for c in portal.categories(alpha) if c.code != billing.category)
    csrf = await _csrf(operator_client, f"/console/staff/{agent.id}")
    saved = await operator_client.post(
        f"/console/staff/{agent.id}",
        data={"csrf_token": csrf, "action": "scope", "role": "agent", "tenants": [str(alpha.id)], "categories": other},
    )
    assert saved.status_code == 303
    page = await operator_client.get(f"/console/staff/{agent.id}")
    assert re.search(rf'checked[^>]*value="{other}"', page.text)
    async with portal.database.session() as db:
        audit = await db.scalar(select(AuditEvent).where(AuditEvent.action == "console.staff_scope_changed"))
    assert audit.actor_id == operator.id
    assert audit.data["categories"] == [other]

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        await staff_login(client, agent)
        queue = await client.get("/console/tickets")
        assert billing.reference not in queue.text
        assert f'<option value="{billing.category}"' not in queue.text  # nor offered as a filter
        assert (await client.get(f"/console/tickets/{billing.id}")).status_code == 404


async def test_an_agent_gets_403_on_every_staff_page(operator_client, make_staff, alpha):
    agent = await make_staff("a@ops.test", tenants=[alpha])
    other = await make_staff("b@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    csrf = await _csrf(operator_client, "/console/tickets")
    assert (await operator_client.get("/console/staff")).status_code == 403
    assert (await operator_client.get("/console/staff/new")).status_code == 403
    assert (await operator_client.get(f"/console/staff/{other.id}")).status_code == 403
    for path, data in (
        ("/console/staff/new", {"email": "x@ops.test", "name": "X", "role": "operator", "locale": "en"}),
        (f"/console/staff/{other.id}", {"action": "disable"}),
        (f"/console/staff/{agent.id}", {"action": "scope", "role": "operator"}),
    ):
        assert (await operator_client.post(path, data={"csrf_token": csrf, **data})).status_code == 403
    assert (
        "Staff"
        not in re.findall(
            r"<nav class=\"console-nav\".*?</nav>", (await operator_client.get("/console/tickets")).text, re.S
        )[0]
    )


async def test_staff_pages_are_not_on_a_tenants_console(make_staff, alpha, tenant_client):
    operator = await make_staff("op@ops.test", role="operator")
    client = tenant_client(alpha)
    await staff_login(client, operator)
    assert (await client.get("/console/staff")).status_code == 404
    assert (await client.get("/console/tickets")).status_code == 200


async def test_changes_without_the_csrf_token_are_refused(operator_client, make_staff, portal):
    agent = await make_staff("a@ops.test")
    await _operator(make_staff, operator_client)
    for path, data in (
        (f"/console/staff/{agent.id}", {"action": "disable"}),
        ("/console/staff/new", {"email": "x@ops.test", "name": "X", "role": "agent", "locale": "en"}),
    ):
        assert (await operator_client.post(path, data=data)).status_code == 403
        assert (await operator_client.post(path, data={**data, "csrf_token": "forged"})).status_code == 403
    assert (await _staff(portal, "a@ops.test")).active
    assert await _staff(portal, "x@ops.test") is None


async def test_the_last_operator_cannot_disable_or_demote_themself(operator_client, make_staff, portal):
    operator = await _operator(make_staff, operator_client)
    csrf = await _csrf(operator_client, f"/console/staff/{operator.id}")
    disabled = await operator_client.post(
        f"/console/staff/{operator.id}", data={"csrf_token": csrf, "action": "disable"}
    )
    assert disabled.status_code == 400
    assert "last active operator" in disabled.text
    demoted = await operator_client.post(
        f"/console/staff/{operator.id}", data={"csrf_token": csrf, "action": "scope", "role": "agent"}
    )
    assert demoted.status_code == 400
    assert 'id="role-error"' in demoted.text
    assert "last active operator" in demoted.text
    assert 'value="agent" checked' in demoted.text or re.search(r'checked[^>]*value="agent"', demoted.text)
    me = await _staff(portal, "op@ops.test")
    assert me.active
    assert me.is_operator


async def test_a_disabled_agent_is_signed_out_and_cannot_sign_in_again(operator_client, make_staff, portal, app):
    agent = await make_staff("a@ops.test")
    operator = await _operator(make_staff, operator_client)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        await staff_login(client, agent)
        assert (await client.get("/console/tickets")).status_code == 200
        csrf = await _csrf(operator_client, f"/console/staff/{agent.id}")
        done = await operator_client.post(f"/console/staff/{agent.id}", data={"csrf_token": csrf, "action": "disable"})
        assert done.status_code == 303
        kicked = await client.get("/console/tickets")
        assert kicked.status_code == 303
        assert kicked.headers["location"].startswith("/console/login")
        refused = await staff_login(client, agent)
        assert refused.status_code == 400
        # enabled again: the old session stays over, a new sign-in works
        csrf = await _csrf(operator_client, f"/console/staff/{agent.id}")
        await operator_client.post(f"/console/staff/{agent.id}", data={"csrf_token": csrf, "action": "enable"})
        assert (await staff_login(client, agent)).status_code == 303
        assert (await client.get("/console/tickets")).status_code == 200
    async with portal.database.session() as db:
        actions = [
            (e.action, e.actor_id)
            for e in await db.scalars(select(AuditEvent).where(AuditEvent.subject_id == str(agent.id)))
            if e.action.startswith("console.staff_")
        ]
    assert actions == [("console.staff_disabled", operator.id), ("console.staff_enabled", operator.id)]


async def test_a_two_step_reset_is_set_up_again_at_the_next_sign_in(operator_client, make_staff, portal, app):
    colleague = await make_staff("op2@ops.test", role="operator")
    await _operator(make_staff, operator_client)
    csrf = await _csrf(operator_client, f"/console/staff/{colleague.id}")
    reset = await operator_client.post(
        f"/console/staff/{colleague.id}", data={"csrf_token": csrf, "action": "reset_two_step"}
    )
    assert reset.status_code == 303

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        page = await client.get("/console/login")
        answer = await client.post(
            "/console/login",
            data={"csrf_token": csrf_of(page.text), "email": "op2@ops.test", "password": PASSWORD, "code": ""},
        )
        assert answer.headers["location"] == "/console/two-step"
        assert (await client.get("/console/tickets")).status_code == 303  # not signed in yet
        setup = await client.get("/console/two-step")
        secret = re.search(r'<code class="two-step-key">([A-Z2-7]+)</code>', setup.text).group(1)
        wrong = await client.post("/console/two-step", data={"csrf_token": csrf_of(setup.text), "code": "000000"})
        assert wrong.status_code == 400
        assert 'id="code-error"' in wrong.text
        done = await client.post(
            "/console/two-step", data={"csrf_token": csrf_of(setup.text), "code": pyotp.TOTP(secret).now()}
        )
        assert done.status_code == 303
        assert (await client.get("/console/tickets")).status_code == 200
    member = await _staff(portal, "op2@ops.test")
    assert member.totp_secret == secret
    assert not member.totp_setup_due
    assert member.last_login_at is not None


async def test_a_new_operator_sets_up_two_step_sign_in_at_the_first_sign_in(
    operator_client, make_staff, mailbox, portal, app
):
    await _operator(make_staff, operator_client)
    csrf = await _csrf(operator_client, "/console/staff/new")
    form = {"csrf_token": csrf, "email": "boss@ops.test", "name": "Boss", "locale": "fr", "role": "operator"}
    assert (await operator_client.post("/console/staff/new", data=form)).status_code == 303
    mail = await mailbox.last("boss@ops.test")
    assert "mot de passe" in mail["Subject"]

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        await _set_password_from_mail(client, mailbox, "boss@ops.test")
        page = await client.get("/console/login")
        answer = await client.post(
            "/console/login",
            data={"csrf_token": csrf_of(page.text), "email": "boss@ops.test", "password": NEW_PASSWORD, "code": ""},
        )
        assert answer.headers["location"] == "/console/two-step"


async def test_a_broken_or_unknown_link_gives_a_clear_page(operator_client):
    for token in ("x" * 43, "bad!token"):
        page = await operator_client.get(f"/console/password/{token}")
        assert page.status_code == 400
        assert "not valid" in page.text
