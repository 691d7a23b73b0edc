"""``portique videotron …``: operator commands of the Vidéotron Business plugin."""

from __future__ import annotations

import click
from sqlalchemy import select

from core.api import Tenant, make_portal, service
from core.api import run_command as run


@click.group("videotron")
def videotron() -> None:
    """Vidéotron Business operator commands."""


@videotron.command("send-activation")
@click.option("--tenant", "slug", default="videotron", show_default=True, help="Tenant slug.")
@click.argument("account_number")
def send_activation_command(slug: str, account_number: str) -> None:
    """Mail the activation e-mail (5-day link) to the address on file of ACCOUNT_NUMBER."""
    from plugins.videotron_business import accounts
    from plugins.videotron_business.activation import send_activation
    from plugins.videotron_business.backend import VideotronBackend

    portal = make_portal()

    async def body() -> str:
        async with portal.database.session() as session:
            tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise click.ClickException(f"no tenant {slug!r}")
        async with portal.database.session(tenant.id) as db:
            record = await service(tenant, VideotronBackend).find_account(db, account_number)
            if record is None:
                raise click.ClickException(f"no account {account_number!r} in the registry of {slug!r}")
            if await accounts.holder_of(db, record.number) is not None:
                raise click.ClickException("this account already has a registered holder")
            await send_activation(db, tenant, record, actor="operator")
            await db.commit()
        return record.email_on_file

    email = run(portal, body)
    click.echo(f"activation e-mail queued for the address on file ({email}); the link is valid 5 days")
