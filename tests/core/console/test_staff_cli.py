"""``portique staff add|list`` and ``portique tickets sla-check``."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core.cli import main
from core.db.engine import Database
from core.staff.accounts import check_credentials
from core.staff.models import Staff, StaffTenant
from core.ticketing.models import Ticket


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PORTIQUE_DATABASE_URL", url)
    monkeypatch.setenv("PORTIQUE_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    assert invoke("db", "upgrade").exit_code == 0
    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def _query(url: str, fn):
    async def body():
        database = Database(url)
        try:
            async with database.session() as db:
                return await fn(db)
        finally:
            await database.dispose()

    return asyncio.run(body())


def test_staff_add_operator_gets_totp_and_agent_gets_tenants(cli):
    assert cli("tenants", "add", "acme", "--name", "Acme").exit_code == 0
    operator = cli(
        "staff",
        "add",
        "op@ops.test",
        "--name",
        "Op",
        "--role",
        "operator",
        input="operator password 1\noperator password 1\n",
    )
    assert operator.exit_code == 0, operator.output
    assert "TOTP secret:" in operator.output
    assert "otpauth://totp/" in operator.output
    secret = operator.output.split("TOTP secret: ", 1)[1].split()[0]
    assert len(base64.b32decode(secret)) * 8 >= 160
    agent = cli("staff", "add", "agent@ops.test", "--tenants", "acme", input="agent password 12\nagent password 12\n")
    assert agent.exit_code == 0, agent.output
    assert "TOTP" not in agent.output
    assert "op@ops.test" in cli("staff", "list").output
    bad = CliRunner().invoke(main, ["staff", "add", "x@ops.test", "--tenants", "nope"], input="long password 1\n" * 2)
    assert bad.exit_code != 0
    assert "no tenant nope" in bad.output
    short = CliRunner().invoke(main, ["staff", "add", "y@ops.test"], input="short\nshort\n")
    assert "at least 12 characters" in short.output

    async def check(db):
        member = await check_credentials(db, "op@ops.test", "operator password 1", pyotp.TOTP(secret).now())
        without_code = await check_credentials(db, "op@ops.test", "operator password 1", "")
        links = list(await db.scalars(select(StaffTenant.tenant_id)))
        roles = {s.email: s.role for s in await db.scalars(select(Staff))}
        return member, without_code, links, roles

    member, without_code, links, roles = _query(cli.url, check)
    assert member is not None
    assert without_code is None
    assert len(links) == 1
    assert roles == {"op@ops.test": "operator", "agent@ops.test": "agent"}


def test_staff_renew_totp_gives_a_new_160_bit_secret(cli):
    cli("staff", "add", "op@ops.test", "--role", "operator", input="operator password 1\noperator password 1\n")

    async def shorten(db):
        member = await db.scalar(select(Staff))
        member.totp_secret = "PORTIQUEDEMOTOTP"  # an 80-bit secret of an older release
        await db.commit()

    _query(cli.url, shorten)
    renewed = cli("staff", "renew-totp", "OP@ops.test")
    assert renewed.exit_code == 0, renewed.output
    secret = renewed.output.split("TOTP secret: ", 1)[1].split()[0]
    assert len(base64.b32decode(secret)) * 8 >= 160
    assert "otpauth://totp/" in renewed.output
    member = _query(
        cli.url, lambda db: check_credentials(db, "op@ops.test", "operator password 1", pyotp.TOTP(secret).now())
    )
    assert member is not None
    assert CliRunner().invoke(main, ["staff", "renew-totp", "nobody@ops.test"]).exit_code != 0


def test_sla_check_stores_breaches(cli):
    assert cli("tenants", "add", "acme", "--name", "Acme").exit_code == 0
    now = datetime.now(UTC)

    async def seed(db):
        from core.tenancy.models import Tenant

        tenant = await db.scalar(select(Tenant))
        for i, due in enumerate([now - timedelta(hours=1), now + timedelta(hours=1)]):
            db.add(
                Ticket(
                    tenant_id=tenant.id,
                    reference=f"TKT-2026-00000{i}",
                    category="c",
                    subject="s",
                    requester_email="a@b.c",
                    sla_due_at=due,
                    sort_due_at=due,
                )
            )
        await db.commit()

    _query(cli.url, seed)
    result = cli("tickets", "sla-check")
    assert result.exit_code == 0
    assert "1 ticket(s) newly past" in result.output
    breached = _query(cli.url, lambda db: _breached(db))
    assert breached == ["TKT-2026-000000"]
    assert "0 ticket(s)" in cli("tickets", "sla-check").output


async def _breached(db):
    return list(await db.scalars(select(Ticket.reference).where(Ticket.sla_breached_at.is_not(None))))
