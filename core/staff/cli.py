"""``portique staff add|list|renew-totp``: staff accounts of the console."""

from __future__ import annotations

import click
from sqlalchemy import select

from core.audit.service import record as audit
from core.commands import make_portal, run
from core.identity.totp import new_secret
from core.staff.accounts import StaffError, create_staff, provisioning_uri
from core.staff.models import Staff
from core.staff.recovery import delete_codes
from core.tenancy.models import Tenant


@click.group()
def staff() -> None:
    """Console staff (operators and agents)."""


@staff.command("add")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--role", type=click.Choice(["operator", "agent"]), default="agent", show_default=True)
@click.option("--tenants", default="", help="Comma-separated tenant slugs an agent works for.")
@click.option("--locale", default="en", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def staff_add(email: str, name: str, role: str, tenants: str, locale: str, password: str) -> None:
    """Create a staff member; operators get a TOTP secret to add to an authenticator app."""
    portal = make_portal()
    slugs = [s.strip() for s in tenants.split(",") if s.strip()]

    async def body() -> Staff:
        async with portal.database.session() as db:
            found = list(await db.scalars(select(Tenant).where(Tenant.slug.in_(slugs)))) if slugs else []
            missing = sorted(set(slugs) - {t.slug for t in found})
            if missing:
                raise click.ClickException(f"no tenant {', '.join(missing)}")
            member = await create_staff(
                db, email=email, name=name, password=password, role=role, tenants=found, locale=locale
            )
            await db.commit()
            return member

    try:
        member = run(portal, body)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"staff {member.email} created ({member.role})")
    if member.totp_secret:
        click.echo(f"TOTP secret: {member.totp_secret}")
        click.echo(f"Authenticator URI: {provisioning_uri(member)}")


@staff.command("list")
def staff_list() -> None:
    """List staff members."""
    portal = make_portal()

    async def body() -> list[Staff]:
        async with portal.database.session() as db:
            return list(await db.scalars(select(Staff).order_by(Staff.email)))

    for member in run(portal, body):
        state = "active" if member.active else "disabled"
        click.echo(f"{member.email:<32} {member.role:<9} {state}")


@staff.command("renew-totp")
@click.argument("email")
def staff_renew_totp(email: str) -> None:
    """Give a staff member a new 160-bit TOTP secret (a lost authenticator, or an unusable old secret)."""
    portal = make_portal()

    async def body() -> Staff | None:
        async with portal.database.session() as db:
            member = await db.scalar(select(Staff).where(Staff.email == email.strip().lower()))
            if member is not None:
                member.totp_secret = new_secret()
                member.totp_setup_due = False
                await delete_codes(db, member)  # the recovery codes of the old secret go with it
                audit(db, "console.totp_renewed", actor_type="system", subject_type="staff", subject_id=member.id)
                await db.commit()
            return member

    member = run(portal, body)
    if member is None:
        raise click.ClickException(f"no staff member {email}")
    click.echo(f"TOTP secret: {member.totp_secret}")
    click.echo(f"Authenticator URI: {provisioning_uri(member)}")
