"""``portique oidc rotate-keys TENANT``: a new signing key; the old one stays published until its tokens expire."""

from __future__ import annotations

import click
from sqlalchemy import select

from core.audit.service import record as audit
from core.commands import make_portal, run
from core.oidc.keys import rotate
from core.tenancy.models import Tenant


@click.group()
def oidc() -> None:
    """The tenants' OpenID Connect providers."""


@oidc.command("rotate-keys")
@click.argument("tenant")
def rotate_keys(tenant: str) -> None:
    """Make a new signing key for TENANT (a slug); the previous key is retired but still published."""
    portal = make_portal()

    async def body() -> str:
        async with portal.database.session() as db:
            found = await db.scalar(select(Tenant).where(Tenant.slug == tenant))
            if found is None:
                raise click.ClickException(f"no tenant {tenant}")
        async with portal.database.session(found.id) as db:
            key = await db.run_sync(rotate)
            audit(
                db,
                "oidc.key_rotated",
                tenant_id=found.id,
                actor_type="cli",
                subject_type="oidc_key",
                subject_id=key.kid,
            )
            await db.commit()
            return key.kid

    kid = run(portal, body)
    click.echo(f"tenant {tenant}: new signing key {kid}")
