"""``portique registry import``: the console's registry imports from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from core.commands import make_portal, run
from core.console import registry as service
from core.i18n import use_locale
from core.imports import RegistryImporter, RowError
from core.portal import get_portal
from core.tenancy.models import Tenant

EXIT_ROW_ERRORS = 2  # the file has errors: nothing written
EXIT_FAILED = 3  # the backend failed: rolled back, nothing written
PROGRESS_FROM = 500  # rows: shorter files are written without a progress bar
MAX_ERRORS_SHOWN = 50


@click.group()
def registry() -> None:
    """Back-office registries of a tenant (customers, devices, contracts…)."""


def _errors(errors: list[RowError]) -> None:
    for error in errors[:MAX_ERRORS_SHOWN]:
        column = f" [{error.column}]" if error.column else ""
        click.echo(f"  line {error.line}{column}: {error.message}", err=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        click.echo(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more", err=True)


def _preview(rows: list[dict[str, str]], columns: tuple[str, ...], shown: int = 5) -> None:
    click.echo("  " + " | ".join(columns))
    for row in rows[:shown]:
        click.echo("  " + " | ".join(row.get(c, "") for c in columns))
    if len(rows) > shown:
        click.echo(f"  … {len(rows) - shown} more row(s)")


@registry.command("import")
@click.argument("tenant_slug", metavar="TENANT")
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the preview (counts and per-row errors); write nothing.")
@click.option("--locale", default=None, help="Language of the error messages (default: the tenant's).")
def registry_import(tenant_slug: str, kind: str, file: Path, dry_run: bool, locale: str | None) -> None:
    """Import FILE (CSV or XLSX) with the tenant's KIND importer, all rows or none.

    Exit codes: 0 imported (or a clean dry run), 1 bad arguments, 2 rows with errors (nothing written),
    3 the backend failed (nothing written).
    """
    portal = make_portal()
    content = file.read_bytes()
    if len(content) > service.MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {service.MAX_BYTES // (1024 * 1024)} MB")

    async def body() -> None:
        async with portal.database.session() as db:
            tenant = await db.scalar(select(Tenant).where(Tenant.slug == tenant_slug))
        if tenant is None:
            raise click.ClickException(f"no tenant {tenant_slug!r}")
        importer = service.find_importer(tenant, kind)
        if importer is None:
            known = ", ".join(i.code for i in service.importers(tenant)) or "none"
            raise click.ClickException(f"tenant {tenant_slug} has no importer {kind!r}; known: {known}")
        language = locale or tenant.default_locale
        with use_locale(language, get_portal().translations(tenant, language)):
            await (_dry_run if dry_run else _commit)(tenant, importer, content)

    run(portal, body)


async def _dry_run(tenant: Tenant, importer: RegistryImporter, content: bytes) -> None:
    checked = await service.preview(tenant, importer, content)
    click.echo(f"{tenant.slug} {importer.code}: {checked.count} row(s), {len(checked.errors)} error(s)")
    if checked.errors:
        _errors(checked.errors)
        sys.exit(EXIT_ROW_ERRORS)
    _preview(checked.rows, importer.columns)
    click.echo("dry run: nothing written")


async def _commit(tenant: Tenant, importer: RegistryImporter, content: bytes) -> None:
    rows, _problems = service.read_rows(content, importer.columns)
    click.echo(f"{tenant.slug} {importer.code}: {len(rows)} row(s), checking…")
    bar = click.progressbar(length=len(rows), label="writing", file=sys.stderr) if len(rows) >= PROGRESS_FROM else None
    try:
        if bar is not None:
            bar.__enter__()
        count = await service.commit(
            tenant,
            importer,
            content,
            audit_as={"actor_type": "system", "via": "cli"},
            progress=bar.update if bar is not None else None,
        )
    except service.ImportRejectedError as rejected:
        click.echo(f"{len(rejected.errors)} error(s); nothing written", err=True)
        _errors(rejected.errors)
        sys.exit(EXIT_ROW_ERRORS)
    except service.ImportFailedError as failed:
        click.echo(f"the import failed ({failed}); nothing written", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(f"{count} row(s) imported into {tenant.slug} ({importer.code})")
