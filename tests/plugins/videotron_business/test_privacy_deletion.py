"""Vidéotron Business in "Delete my account": a holder is refused while secondary users remain (told why and
what to do), may delete once they are removed; a secondary user's deletion unlinks them only."""

from __future__ import annotations

from sqlalchemy import select

from core.api import Membership, User, utcnow
from core.privacy.models import DeletionRequest
from plugins.videotron_business.demo import DEMO_PASSWORD
from plugins.videotron_business.models import RegistryAuthorizedUser
from tests.core.identity.identity_helpers import csrf_of
from tests.core.privacy.deletion_helpers import after_grace, ask_for_deletion

from .conftest import post_form, sign_in
from .test_privacy_export import LUC, MARIE, _luc_is_secondary

REFUSED_FR = "il reste 1 utilisateur secondaire"


async def _people(portal, tenant) -> dict[str, RegistryAuthorizedUser]:
    async with portal.database.session(tenant.id) as db:
        return {p.email: p for p in await db.scalars(select(RegistryAuthorizedUser))}


async def _user(portal, tenant, email: str) -> User | None:
    async with portal.database.session(tenant.id) as db:
        return await db.scalar(select(User).where(User.email == email))


async def test_a_holder_is_told_why_while_secondary_users_remain(portal, vtenant, tenant_client, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    await _luc_is_secondary(portal, vtenant)
    client = tenant_client(vtenant)
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)

    page = await client.get("/profile/delete")
    posted = await client.post(
        "/profile/delete", data={"csrf_token": csrf_of(page.text), "current_password": DEMO_PASSWORD}
    )

    assert "data-deletion-refused" in page.text
    assert REFUSED_FR in page.text
    assert "800100001" in page.text
    assert "Gestion des utilisateurs" in page.text
    assert 'name="current_password"' not in page.text
    assert posted.status_code == 200
    async with portal.database.session(vtenant.id) as db:
        assert list(await db.scalars(select(DeletionRequest))) == []


async def test_once_the_secondary_users_are_removed_the_holder_may_delete(
    portal, vtenant, make_tenant, tenant_client, time_machine
):
    time_machine.move_to(utcnow(), tick=False)
    async with portal.database.session(vtenant.id) as db:
        luc = await db.scalar(select(RegistryAuthorizedUser).where(RegistryAuthorizedUser.email == LUC))
        await db.delete(luc)
        await db.commit()
    client = tenant_client(vtenant)
    await sign_in(client, "marie.tremblay", DEMO_PASSWORD)

    asked = await ask_for_deletion(client, DEMO_PASSWORD)

    assert asked.status_code in (302, 303)
    assert await after_grace(portal, time_machine) == 1
    assert await _user(portal, vtenant, MARIE) is None
    assert "sophie.roy@techniciens.example" in await _people(portal, vtenant)  # the provider's registry stays
    refused = await post_form(
        tenant_client(vtenant), "/login", {"login": "marie.tremblay", "password": DEMO_PASSWORD}, own=False
    )
    assert refused.status_code == 200  # the sign-in page again, as for an unknown username


async def test_a_secondary_user_is_unlinked_and_the_holder_untouched(portal, vtenant, tenant_client, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    await _luc_is_secondary(portal, vtenant)
    luc = await _user(portal, vtenant, LUC)
    assert luc is not None
    client = tenant_client(vtenant)
    await sign_in(client, "luc.gagnon", DEMO_PASSWORD)

    await ask_for_deletion(client, DEMO_PASSWORD)
    assert await after_grace(portal, time_machine) == 1

    people = await _people(portal, vtenant)
    assert people[LUC].user_id is None  # still named on Marie's account, without a portal access
    marie = await _user(portal, vtenant, MARIE)
    assert marie is not None
    assert marie.is_active
    async with portal.database.session(vtenant.id) as db:
        assert await db.scalar(select(Membership).where(Membership.user_id == luc.id)) is None
        assert await db.scalar(select(Membership).where(Membership.user_id == marie.id)) is not None
