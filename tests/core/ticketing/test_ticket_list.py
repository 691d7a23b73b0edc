"""My tickets: whose tickets are listed (own, held and administered accounts), once each, newest first."""

from __future__ import annotations

import re

from core.api import get_or_create_account, grant_membership, utcnow
from core.identity.models import Role
from core.ticketing.models import Ticket
from core.ticketing.views import PAGE_SIZE


def _listed(html: str) -> list[str]:
    return re.findall(r">(REF-\d+)</a>", html)


async def test_list_unites_own_and_administered_accounts_tickets(
    alpha, beta, tenant_client, portal, make_user, sign_in
):
    user = await make_user(alpha, "holder@example.com")
    other = await make_user(alpha, "other@example.com")
    async with portal.database.session(alpha.id) as db:
        held, administered, member_of, suspended, foreign = [
            await get_or_create_account(db, f"A-{n}") for n in range(5)
        ]
        await grant_membership(db, user, held, Role.HOLDER)
        await grant_membership(db, user, administered, Role.ADMIN)
        await grant_membership(db, user, member_of, Role.MEMBER)
        (await grant_membership(db, user, suspended, Role.HOLDER)).suspended = True
        # (requester, account) of each ticket, oldest first
        owners = [
            (user, None),  # 0 own, no account: listed
            (other, held),  # 1 on a held account: listed
            (other, administered),  # 2 on an administered account: listed
            (other, member_of),  # 3 on an account where the user is a mere member: not listed
            (other, suspended),  # 4 on an account of a suspended membership: not listed
            (user, held),  # 5 own and on a held account: listed once
            (other, None),  # 6 someone else's: not listed
            (other, foreign),  # 7 an account the user has nothing to do with: not listed
            (user, member_of),  # 8 own on a member account: listed
        ]
        now = utcnow()
        for n, (requester, account) in enumerate(owners):
            db.add(
                Ticket(
                    reference=f"REF-{n}",
                    category="account",
                    subject=f"Ticket {n}",
                    requester_user_id=requester.id,
                    requester_email=requester.email,
                    account_id=account.id if account else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        await db.commit()
    async with portal.database.session(beta.id) as db:  # the same requester and account ids on another tenant
        db.add(
            Ticket(
                reference="REF-99",
                category="meter",
                subject="Beta",
                requester_user_id=user.id,
                requester_email=user.email,
                account_id=held.id,
            )
        )
        await db.commit()
    client = tenant_client(alpha)
    await sign_in(client, alpha, user)
    assert _listed((await client.get("/tickets")).text) == ["REF-8", "REF-5", "REF-2", "REF-1", "REF-0"]


async def test_list_shows_the_newest_page(alpha, tenant_client, portal, make_user, sign_in):
    user = await make_user(alpha, "many@example.com")
    async with portal.database.session(alpha.id) as db:
        account = await get_or_create_account(db, "A-MANY")
        await grant_membership(db, user, account, Role.HOLDER)
        now = utcnow()
        for n in range(PAGE_SIZE + 5):
            db.add(
                Ticket(
                    reference=f"REF-{n}",
                    category="account",
                    subject=f"Ticket {n}",
                    requester_user_id=user.id if n % 2 else None,
                    requester_email=user.email,
                    account_id=None if n % 2 else account.id,
                    created_at=now,
                    updated_at=now,
                )
            )
        await db.commit()
    client = tenant_client(alpha)
    await sign_in(client, alpha, user)
    expected = [f"REF-{n}" for n in range(PAGE_SIZE + 4, 4, -1)]
    assert _listed((await client.get("/tickets")).text) == expected
    page = (await client.get("/tickets")).text
    older = re.search(r'href="(/tickets\?before=\d+)" rel="next"', page)
    assert older is not None, "a link to the older tickets"
    second = (await client.get(older.group(1))).text
    assert _listed(second) == [f"REF-{n}" for n in range(4, -1, -1)]  # the rest, once each
    assert 'rel="next"' not in second  # the end
    assert 'href="/tickets">' in second  # and the way back
    assert _listed((await client.get("/tickets?before=1")).text) == []
    assert (await client.get("/tickets?before=not-a-number")).status_code == 200  # the first page


async def test_paging_never_shows_another_customers_tickets(alpha, tenant_client, portal, make_user, sign_in):
    owner = await make_user(alpha, "owner@example.com")
    other = await make_user(alpha, "other@example.com")
    async with portal.database.session(alpha.id) as db:
        now = utcnow()
        for n in range(PAGE_SIZE + 3):
            db.add(
                Ticket(
                    reference=f"REF-{n}",
                    category="account",
                    subject=f"Ticket {n}",
                    requester_user_id=owner.id,
                    requester_email=owner.email,
                    created_at=now,
                    updated_at=now,
                )
            )
        await db.commit()
    client = tenant_client(alpha)
    await sign_in(client, alpha, other)
    assert _listed((await client.get("/tickets?before=999999")).text) == []
