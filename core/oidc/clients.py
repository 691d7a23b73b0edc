"""Registering a relying party on a tenant: a client id, for a confidential client a secret shown once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import gettext as _
from core.oidc.models import OidcClient, digest

NAME_MAX = 120


@dataclass
class Registered:
    """A new client and, for a confidential one, its secret (never stored in clear, never shown again)."""

    client: OidcClient
    secret: str | None


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be a redirect URI (absolute https, or http on the loopback), or ``None``."""
    parts = urlsplit(uri)
    if parts.fragment or not parts.netloc:
        return _("Use an absolute address without a fragment: %(uri)s", uri=uri)
    loopback = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        return _("Use https (http only on localhost): %(uri)s", uri=uri)
    return None


def client_problems(name: str, redirect_uris: list[str], logout_uris: list[str] | None = None) -> dict[str, str]:
    """The registration form's problems by field."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Use at most %(count)s characters.", count=NAME_MAX)
    if not redirect_uris:
        errors["redirect_uris"] = _("Enter at least one redirect address.")
    for uri in redirect_uris:
        problem = redirect_uri_problem(uri)
        if problem:
            errors["redirect_uris"] = problem
            break
    for uri in logout_uris or []:
        problem = redirect_uri_problem(uri)
        if problem:
            errors["logout_uris"] = problem
            break
    return errors


async def register_client(
    db: AsyncSession,
    *,
    name: str,
    redirect_uris: list[str],
    confidential: bool,
    first_party: bool,
    post_logout_redirect_uris: list[str] | None = None,
) -> Registered:
    """Add a client to the tenant of ``db``; the caller audits and commits."""
    secret = secrets.token_urlsafe(32) if confidential else None
    client = OidcClient(
        client_id=secrets.token_urlsafe(18),
        name=name,
        secret_digest=digest(secret) if secret else None,
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris or [],
        first_party=first_party,
    )
    db.add(client)
    await db.flush()
    return Registered(client=client, secret=secret)
