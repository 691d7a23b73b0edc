"""Vidéotron's OpenID Connect claims: the customer's role in their business account."""

from __future__ import annotations

from core.api import find_user_by_username
from core.oidc.claims import user_claims


async def test_account_role(vtenant, portal):
    async with portal.database.session(vtenant.id) as db:
        marie = await find_user_by_username(db, "marie.tremblay")
        claims = await user_claims(db, vtenant, marie, ["openid", "profile", "email"])
    assert claims["videotron_role"] == "holder"
    assert claims["videotron_account"]
    assert claims["email"] == marie.email
