"""Console: the inbound mail quarantine, scoped to the staff member's tenants, translated, raw mail downloadable."""

from __future__ import annotations

from typing import Any

from core.portal import Portal
from core.ticketing.inbound import take_in
from core.ticketing.reply_address import mail_domain
from tests.core.console.conftest import staff_login


def raw_mail(to: str, subject: str, sender: str = "eve@evil.example") -> bytes:
    return f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@x>\r\n\r\nhello\r\n".encode()


async def fill(portal: Portal, alpha: Any, beta: Any) -> None:
    await take_in(portal, raw_mail(f"support+1-c-{'a' * 26}@{mail_domain(alpha)}", "alpha-forged"))
    await take_in(portal, raw_mail(f"help@{mail_domain(beta)}", "beta-stray"))
    await take_in(portal, raw_mail("x@nowhere.example", "no-tenant"))


async def test_operator_sees_every_quarantined_mail_in_french_and_downloads_it(
    operator_client: Any, make_staff: Any, portal: Portal, alpha: Any, beta: Any
) -> None:
    await fill(portal, alpha, beta)
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    page = await operator_client.get("/console/quarantine", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert page.text.count('class="quarantined-mail"') == 3
    assert "Quarantaine du courrier" in page.text
    assert "Adresse de réponse falsifiée ou étrangère" in page.text
    filtered = await operator_client.get("/console/quarantine?reason=forged_token")
    assert filtered.text.count('class="quarantined-mail"') == 1
    assert "alpha-forged" in filtered.text
    link = filtered.text.split('href="/console/quarantine/', 1)[1].split('"', 1)[0]
    download = await operator_client.get(f"/console/quarantine/{link}")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    assert b"Subject: alpha-forged" in download.content


async def test_an_agent_sees_only_the_quarantine_of_their_tenants(
    operator_client: Any, make_staff: Any, portal: Portal, alpha: Any, beta: Any
) -> None:
    await fill(portal, alpha, beta)
    agent = await make_staff("agent@ops.test", tenants=[beta])
    await staff_login(operator_client, agent)
    page = await operator_client.get("/console/quarantine")
    assert page.text.count('class="quarantined-mail"') == 1
    assert "beta-stray" in page.text
    assert "alpha-forged" not in page.text
    assert "no-tenant" not in page.text
    others = await operator_client.get(f"/console/quarantine?tenant={alpha.id}")
    assert "alpha-forged" not in others.text
    from sqlalchemy import select

    from core.mail.models import QuarantinedMail

    async with portal.database.session() as db:
        ids = {row.subject: row.id for row in await db.scalars(select(QuarantinedMail))}
    assert (await operator_client.get(f"/console/quarantine/{ids['alpha-forged']}.eml")).status_code == 404
    assert (await operator_client.get(f"/console/quarantine/{ids['no-tenant']}.eml")).status_code == 404
    assert (await operator_client.get(f"/console/quarantine/{ids['beta-stray']}.eml")).status_code == 200
