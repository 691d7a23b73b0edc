"""The claims of a user for a set of scopes: the core's (sub, e-mail, name, locale) and the plugins'."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.identity.models import User
from core.plugins import resolve
from core.portal import get_portal
from core.tenancy.models import Tenant

SUBJECT_NAMESPACE = uuid.UUID("6f1c2a52-5a38-4d0e-9a77-2f1f3e0c8b11")
RESERVED = frozenset({"sub", "iss", "aud", "exp", "iat", "nonce", "auth_time", "at_hash"})


def subject(tenant: Tenant, user: User) -> str:
    """A stable identifier of the user on this tenant, opaque to clients (the same on every client)."""
    return str(uuid.uuid5(SUBJECT_NAMESPACE, f"{tenant.id}:{user.id}"))


def core_claims(tenant: Tenant, user: User, scopes: list[str]) -> dict[str, Any]:
    """The core's claims of ``user`` for ``scopes``."""
    claims: dict[str, Any] = {"sub": subject(tenant, user)}
    if "email" in scopes:
        claims["email"] = user.email
        claims["email_verified"] = user.confirmed_at is not None
    if "profile" in scopes:
        claims["name"] = user.full_name
        claims["given_name"] = user.first_name
        claims["family_name"] = user.last_name
        claims["locale"] = user.locale or tenant.default_locale or "en"
    return claims


async def user_claims(db: AsyncSession, tenant: Tenant, user: User, scopes: list[str]) -> dict[str, Any]:
    """Every claim of ``user`` for ``scopes``; a plugin's claim never replaces a core or reserved one."""
    claims = core_claims(tenant, user, scopes)
    hooks = get_portal().hooks(tenant)
    for answer in await resolve(hooks.portique_oidc_claims(tenant=tenant, user=user, scopes=scopes, db=db)):
        for name, value in answer.items():
            if name not in RESERVED and name not in claims:
                claims[name] = value
    return claims
