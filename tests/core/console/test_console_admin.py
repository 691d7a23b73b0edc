"""Console operator pages: users and customer-care actions, tenants, registry imports, audit log, outbox."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.identity.models import Account, User, UserStatus
from core.identity.passwords import verify_password
from core.tenancy.models import Tenant
from core.testing import csrf_of
from tests.core.console.conftest import staff_login


async def _operator(operator_client, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    assert (await staff_login(operator_client, operator)).status_code == 303
    return operator


async def test_users_search_and_customer_care(operator_client, alpha, beta, make_staff, make_user, portal, mailbox):
    user = await make_user(alpha, "care@example.com", last_name="Gagnon")
    await make_user(beta, "care@example.com", last_name="Other")
    operator = await _operator(operator_client, make_staff)
    found = await operator_client.get(f"/console/users?tenant={alpha.id}&q=gagnon")
    assert f"/console/users/{user.id}" in found.text
    assert found.text.count("care@example.com") == 1
    page = await operator_client.get(f"/console/users/{user.id}")
    csrf = csrf_of(page.text)
    # temporary password: shown once, works, must be changed
    response = await operator_client.post(
        f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "temporary_password"}
    )
    password = re.search(r'class="temporary-password">([^<]+)<', response.text).group(1)
    async with portal.database.session(alpha.id) as db:
        stored = await db.get(User, user.id)
    assert stored.must_change_password
    assert await verify_password(stored.password_hash, password)
    # change of e-mail: bad input kept with a message, a taken address refused, then done
    bad = await operator_client.post(
        f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "change_email", "email": "nope"}
    )
    assert bad.status_code == 400
    assert 'value="nope"' in bad.text
    await make_user(alpha, "taken@example.com")
    taken = await operator_client.post(
        f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "change_email", "email": "taken@example.com"}
    )
    assert "already has this address" in taken.text
    done = await operator_client.post(
        f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "change_email", "email": "new@example.com"}
    )
    assert done.status_code == 303
    assert await mailbox.messages("care@example.com")
    # disable, enable
    await operator_client.post(f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "disable"})
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.DISABLED
    await operator_client.post(f"/console/users/{user.id}", data={"csrf_token": csrf, "action": "enable"})
    async with portal.database.session(alpha.id) as db:
        assert (await db.get(User, user.id)).status == UserStatus.ACTIVE
        actions = set(await db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == operator.id)))
    assert {"console.user_temporary_password", "console.user_change_email", "console.user_disable"} <= actions
    trail = await operator_client.get(f"/console/users/{user.id}")
    assert "console.user_disable" in trail.text


async def test_resend_confirmation_for_a_pending_user(operator_client, alpha, make_staff, make_user, mailbox):
    user = await make_user(alpha, "pending@example.com", status=UserStatus.PENDING_EMAIL)
    await _operator(operator_client, make_staff)
    page = await operator_client.get(f"/console/users/{user.id}")
    assert "Resend the confirmation link" in page.text
    response = await operator_client.post(
        f"/console/users/{user.id}", data={"csrf_token": csrf_of(page.text), "action": "resend_confirmation"}
    )
    assert response.status_code == 303
    assert await mailbox.messages("pending@example.com")


async def test_users_pages_are_for_operators_of_the_tenant(
    operator_client, alpha, beta, make_staff, make_user, tenant_client
):
    user = await make_user(alpha, "care@example.com")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    assert (await operator_client.get(f"/console/users/{user.id}")).status_code == 404
    operator = await make_staff("op@ops.test", role="operator")
    beta_console = tenant_client(beta)
    await staff_login(beta_console, operator)
    assert (await beta_console.get(f"/console/users/{user.id}")).status_code == 404


async def test_tenant_edit_validates_and_saves(operator_client, alpha, make_staff, portal, tenant_client):
    await _operator(operator_client, make_staff)
    page = await operator_client.get("/console/tenants")
    assert "alpha" in page.text
    form = await operator_client.get("/console/tenants/alpha")
    csrf = csrf_of(form.text)
    data = {
        "csrf_token": csrf,
        "name": "Alpha Renamed",
        "hostnames": "",
        "plugins": "helpdesk_alpha",
        "theme": "default",
        "locales": "en, fr",
        "default_locale": "en",
        "timezone": "America/Montreal",
        "country": "CA",
        "subdivision": "QC",
        "ticket_prefix": "ALP",
        "settings": "{not json",
        "enabled": "1",
    }
    bad = await operator_client.post("/console/tenants/alpha", data=data)
    assert bad.status_code == 400
    assert "Settings must be a JSON object." in bad.text
    assert 'value="Alpha Renamed"' in bad.text
    bad_zone = await operator_client.post(
        "/console/tenants/alpha", data={**data, "settings": "{}", "timezone": "Mars/Olympus"}
    )
    assert bad_zone.status_code == 400
    assert "Unknown time zone" in bad_zone.text
    wrong_plugin = await operator_client.post(
        "/console/tenants/alpha", data={**data, "settings": "{}", "plugins": "nope"}
    )
    assert wrong_plugin.status_code == 400
    assert "not installed" in wrong_plugin.text
    saved = await operator_client.post("/console/tenants/alpha", data={**data, "settings": "{}"})
    assert saved.status_code == 303
    assert "Alpha Renamed" in (await tenant_client(alpha).get("/")).text
    disabled = await operator_client.post("/console/tenants/alpha", data={**data, "settings": "{}", "enabled": ""})
    assert disabled.status_code == 303
    assert (await tenant_client(alpha).get("/")).status_code == 404
    created = await operator_client.post(
        "/console/tenants/new", data={**data, "slug": "gamma", "name": "Gamma", "settings": "{}", "enabled": "1"}
    )
    assert created.status_code == 303
    async with portal.database.session() as db:
        assert await db.scalar(select(Tenant.name).where(Tenant.slug == "gamma")) == "Gamma"
    # tenants are administered on the operator host only
    alpha_console = tenant_client("gamma")
    operator = await make_staff("op2@ops.test", role="operator")
    await staff_login(alpha_console, operator)
    assert (await alpha_console.get("/console/tenants")).status_code == 404


async def test_registry_import_is_all_or_nothing(operator_client, alpha, make_staff, portal):
    await _operator(operator_client, make_staff)
    page = await operator_client.get("/console/imports")
    assert "Customers" in page.text
    csrf = csrf_of(page.text)
    bad_csv = b"number,name\n1001,Ann\nABC,Bob\n1003,\n"
    response = await operator_client.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{alpha.id}:customers"},
        files={"file": ("customers.csv", bad_csv, "text/csv")},
    )
    assert response.status_code == 400
    assert response.text.count('class="import-error"') == 2
    assert "digits only" in response.text
    assert "Import every row" not in response.text
    missing = await operator_client.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{alpha.id}:customers"},
        files={"file": ("c.csv", b"number\n1\n", "text/csv")},
    )
    assert "Missing column." in missing.text
    good_csv = "\ufeffnumber;name\n1001;Ann\n1002;Bob\n".encode()
    preview = await operator_client.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{alpha.id}:customers"},
        files={"file": ("customers.csv", good_csv, "text/csv")},
    )
    assert preview.status_code == 200
    assert "Preview: 2 valid rows" in preview.text
    async with portal.database.session(alpha.id) as db:
        assert await db.scalar(select(func.count()).select_from(Account)) == 0
    applied = await operator_client.post("/console/imports", data={"csrf_token": csrf, "step": "apply"})
    assert applied.status_code == 303
    async with portal.database.session(alpha.id) as db:
        assert set(await db.scalars(select(Account.number))) == {"1001", "1002"}
        event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "console.registry_imported"))
    assert event.data["rows"] == 2
    # the pending import was consumed: applying again does nothing
    assert (
        await operator_client.post("/console/imports", data={"csrf_token": csrf, "step": "apply"})
    ).status_code == 404


async def test_audit_log_and_outbox_viewers(operator_client, alpha, beta, make_staff, make_user, portal, tenant_client):
    from core.mail.service import queue_mail

    await make_user(alpha, "a@example.com")
    async with portal.database.session(alpha.id) as db:
        queue_mail(
            db, alpha, "alpha-mail@example.com", "ticketing/assigned", {"ticket": _FakeTicket(), "staff": _FakeStaff()}
        )
        await db.commit()
    async with portal.database.session(beta.id) as db:
        queue_mail(
            db, beta, "beta-mail@example.com", "ticketing/assigned", {"ticket": _FakeTicket(), "staff": _FakeStaff()}
        )
        await db.commit()
    await _operator(operator_client, make_staff)
    audit = await operator_client.get("/console/audit?action=console.login")
    assert "console.login" in audit.text
    assert (await operator_client.get("/console/audit?action=nothing.like.this")).text.count('class="audit-event"') == 0
    outbox = await operator_client.get("/console/outbox")
    assert "alpha-mail@example.com" in outbox.text
    assert "beta-mail@example.com" in outbox.text
    # on a tenant's console, only that tenant's mail
    alpha_console = tenant_client(alpha)
    operator = await make_staff("op2@ops.test", role="operator")
    await staff_login(alpha_console, operator)
    scoped = await alpha_console.get("/console/outbox")
    assert "alpha-mail@example.com" in scoped.text
    assert "beta-mail@example.com" not in scoped.text


class _FakeTicket:
    id = 1
    reference = "X-2026-000001"
    subject = "Subject"


class _FakeStaff:
    name = "Agent"


async def test_a_failing_backend_leaves_nothing_behind(operator_client, alpha, make_staff, portal):
    await _operator(operator_client, make_staff)
    csrf = csrf_of((await operator_client.get("/console/imports")).text)
    preview = await operator_client.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{alpha.id}:flaky"},
        files={"file": ("c.csv", b"number,name\n1001,Ann\n1002,Bob\n", "text/csv")},
    )
    assert "Import every row" in preview.text
    failed = await operator_client.post("/console/imports", data={"csrf_token": csrf, "step": "apply"})
    assert failed.status_code == 503
    assert "nothing was written" in failed.text
    async with portal.database.session(alpha.id) as db:
        assert await db.scalar(select(func.count()).select_from(Account)) == 0


async def test_the_console_previews_an_xlsx_workbook_too(operator_client, alpha, make_staff):
    import io

    from openpyxl import Workbook

    await _operator(operator_client, make_staff)
    csrf = csrf_of((await operator_client.get("/console/imports")).text)
    book = Workbook()
    book.active.append(["number", "name"])
    book.active.append([1001, "Ann"])
    book.active.append([1002, "Bob"])
    content = io.BytesIO()
    book.save(content)
    preview = await operator_client.post(
        "/console/imports",
        data={"csrf_token": csrf, "step": "preview", "importer": f"{alpha.id}:customers"},
        files={"file": ("customers.xlsx", content.getvalue(), "application/octet-stream")},
    )
    assert preview.status_code == 200
    assert "Preview: 2 valid rows" in preview.text
    assert "1001" in preview.text


async def test_tenant_privacy_fields_show_and_save_consent_versions_and_retention_periods(
    operator_client, alpha, make_staff, portal
):
    await _operator(operator_client, make_staff)
    form = await operator_client.get("/console/tenants/alpha")
    assert 'name="retention_audit_days" value="365"' in form.text
    assert 'name="retention_closed_ticket_days" value="730"' in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "name": "Alpha",
        "plugins": "helpdesk_alpha",
        "locales": "en",
        "default_locale": "en",
        "settings": "{}",
        "enabled": "1",
        "consent_terms_version": "2026-03",
        "consent_terms_url": "https://alpha.example/terms",
        "consent_privacy_version": "4",
        "consent_privacy_url": "",
        "retention_audit_days": "90",
        "retention_outbox_body_days": "0",
        "retention_closed_ticket_days": "400",
    }
    bad = await operator_client.post("/console/tenants/alpha", data=data)
    assert bad.status_code == 400
    assert "Enter a number of days between 1 and 36500." in bad.text
    assert 'value="2026-03"' in bad.text
    too_long = await operator_client.post(
        "/console/tenants/alpha", data={**data, "retention_outbox_body_days": "7", "consent_privacy_version": "9" * 41}
    )
    assert too_long.status_code == 400
    assert 'id="t-consent_privacy_version-error"' in too_long.text
    saved = await operator_client.post("/console/tenants/alpha", data={**data, "retention_outbox_body_days": "7"})
    assert saved.status_code == 303
    async with portal.database.session() as db:
        settings = await db.scalar(select(Tenant.settings).where(Tenant.slug == "alpha"))
    assert settings["retention"] == {"audit_days": 90, "outbox_body_days": 7, "closed_ticket_days": 400}
    assert settings["consent"]["terms_version"] == "2026-03"
    again = await operator_client.get("/console/tenants/alpha")
    assert 'name="retention_audit_days" value="90"' in again.text
    assert '"retention"' not in again.text  # edited as fields, not in the JSON
