"""Lumen's OpenID Connect claims: the account number and the ordering permission, under scope ``profile``."""

from __future__ import annotations

from core.api import find_user_by_username
from core.oidc.claims import user_claims


async def test_customer_number_and_ordering(lumen, portal):
    async with portal.database.session(lumen.id) as db:
        julie = await find_user_by_username(db, "jbelanger")
        marc = await find_user_by_username(db, "mroy")
        julie_claims = await user_claims(db, lumen, julie, ["openid", "profile"])
        marc_claims = await user_claims(db, lumen, marc, ["openid", "profile"])
        bare = await user_claims(db, lumen, julie, ["openid"])
    assert julie_claims["lumen_customer_number"] == "100300"
    assert julie_claims["lumen_ordering"] == "direct"
    assert marc_claims["lumen_ordering"] == "approval"
    assert "lumen_customer_number" not in bare
    assert bare["sub"] == julie_claims["sub"]
