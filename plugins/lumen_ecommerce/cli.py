"""``portique lumen …``: operator commands of the Lumen plugin (signed requests)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from core.api import Tenant, make_portal
from core.api import run_command as run


@click.group("lumen")
def lumen() -> None:
    """Lumen e-commerce operator commands."""


@lumen.command("requests")
@click.option("--tenant", "slug", default="lumen", show_default=True, help="Tenant slug.")
def list_requests(slug: str) -> None:
    """List the signed access requests with their status (and the error of failed ones)."""
    from plugins.lumen_ecommerce.models import LumenAccessRequest

    portal = make_portal()

    async def body() -> list[LumenAccessRequest]:
        tenant = await _tenant(portal, slug)
        async with portal.database.session(tenant.id) as db:
            return list((await db.scalars(select(LumenAccessRequest).order_by(LumenAccessRequest.id))).all())

    for row in run(portal, body):
        line = f"{row.reference}  {row.status:<11} {row.action:<6} {row.customer_number}  {row.signer_email}"
        click.echo(line + (f"  error: {row.error}" if row.error else ""))


@lumen.command("retry")
@click.option("--tenant", "slug", default="lumen", show_default=True, help="Tenant slug.")
@click.argument("reference")
def retry(slug: str, reference: str) -> None:
    """Provision again an approved request whose provisioning failed (REFERENCE like DA-000012)."""
    from plugins.lumen_ecommerce.models import LumenAccessRequest, RequestStatus
    from plugins.lumen_ecommerce.provisioning import retry_provisioning

    portal = make_portal()

    async def body() -> str:
        tenant = await _tenant(portal, slug)
        async with portal.database.session(tenant.id) as db:
            row = await db.scalar(select(LumenAccessRequest).where(LumenAccessRequest.reference == reference))
            if row is None:
                raise click.ClickException(f"no request {reference!r} on {slug!r}")
            if row.status != RequestStatus.FAILED:
                raise click.ClickException(f"{reference} is {row.status}; only failed requests are retried")
            await retry_provisioning(db, tenant, row)
            await db.commit()
            return f"{reference}: {row.status}" + (f" ({row.error})" if row.error else "")

    click.echo(run(portal, body))


@lumen.command("pdf")
@click.option("--tenant", "slug", default="lumen", show_default=True, help="Tenant slug.")
@click.argument("reference")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def export_pdf(slug: str, reference: str, target: Path) -> None:
    """Write the PDF of a signed request to TARGET."""
    from plugins.lumen_ecommerce.models import LumenAccessRequest

    portal = make_portal()

    async def body() -> bytes:
        tenant = await _tenant(portal, slug)
        async with portal.database.session(tenant.id) as db:
            row = await db.scalar(select(LumenAccessRequest).where(LumenAccessRequest.reference == reference))
        if row is None or row.pdf is None:
            raise click.ClickException(f"no request {reference!r} on {slug!r}")
        return row.pdf

    target.write_bytes(run(portal, body))
    click.echo(f"written {target}")


async def _tenant(portal: object, slug: str) -> Tenant:
    async with portal.database.session() as session:  # type: ignore[attr-defined]
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}")
    return tenant  # type: ignore[no-any-return]
