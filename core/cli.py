"""The ``portique`` command line: serve, worker, db, tenants, plugins, demo (and plugins' commands).

A command imports what only it needs (the server, the worker, Alembic, metrics) inside its function,
so ``portique --help`` and the short commands start without loading them; none of these imports
dodges a cycle (the layers contract in pyproject.toml holds at module level).
"""

from __future__ import annotations

import os
import sys
from typing import Any, TypeVar

import click
from sqlalchemy import select

from core import __version__
from core.cli_progress import step
from core.cli_registry import registry
from core.cli_static import static
from core.commands import make_portal, run
from core.console.demo import DEMO_TOTP_SECRET, OPERATOR, PASSWORD
from core.plugins import PluginError, PluginManager, resolve
from core.portal import Portal
from core.scaffold import new as scaffold_new
from core.settings import ConfigurationError, check_environment
from core.tenancy.models import Tenant
from core.tenancy.service import TenantError, create_tenant, update_tenant

T = TypeVar("T")


def report_start(portal: Portal, lines: list[str]) -> None:
    """Refuse to start on uncompiled catalogues, then print what the process is about to do."""
    from core.startup import check_catalogues

    try:
        warnings = check_catalogues(portal.plugins)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    for line in lines:
        click.echo(line)
    for line in warnings:
        click.echo(line, err=True)


def check_database(portal: Portal) -> None:
    """:func:`ensure_migrated`, for a command that runs no body of its own here (``serve``)."""

    async def nothing() -> None:
        return None

    run(portal, nothing)


class PortiqueGroup(click.Group):
    """Adds the plugins' commands (``portique_cli``) when the CLI starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        try:
            PluginManager().hook.portique_cli(group=self)
        except PluginError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command


@click.group(cls=PortiqueGroup)
@click.version_option(__version__, prog_name="portique")
def main() -> None:
    """Portique: many branded provider portals on one deployment."""
    try:
        check_environment()  # a misspelt PORTIQUE_ variable stops every command, not only those reading settings
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--access-log/--no-access-log", default=True)
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the portals with uvicorn."""
    from core.metrics import prepare_multiprocess, remove_multiprocess
    from core.serving import proxy_options
    from core.serving import serve as serve_app
    from core.startup import serve_report

    portal = make_portal()  # fail fast, with one clear line, on bad settings or plugins
    if workers > 1 and not portal.settings.redis_url:
        raise click.ClickException(
            f"--workers {workers} needs PORTIQUE_REDIS_URL: without Redis each worker keeps its own sign-in and "
            f"mail throttle counters, so every limit would be {workers} times higher. Set PORTIQUE_REDIS_URL "
            "(pip install 'portique[redis]') or serve with --workers 1."
        )
    check_database(portal)  # …and on a database that is not migrated
    report_start(portal, serve_report(portal.settings, host=host, port=port, workers=workers))
    os.environ["PORTIQUE_ACCESS_LOG"] = "true" if access_log else "false"  # read by create_app in each worker
    metrics_dir = prepare_multiprocess(workers)  # the workers add up their metrics in it
    try:
        serve_app(
            "core.app:create_app",
            host=host,
            port=port,
            workers=workers,
            event_loop=portal.settings.event_loop,
            access_log=False,  # Portique writes its own JSON access log (request id, tenant, duration)
            log_level="warning",
            **proxy_options(portal.settings),
        )
    finally:
        remove_multiprocess(metrics_dir)


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due and stop.")
@click.option("--metrics-port", type=int, default=None, help="Serve this worker's metrics on this port.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True)
def worker(once: bool, metrics_port: int | None, metrics_host: str) -> None:
    """Deliver the mail outbox (and other background jobs)."""
    from core.jobs import run_forever, run_once
    from core.startup import worker_report
    from core.web.observability import configure_logging

    portal = make_portal()
    check_database(portal)
    report_start(portal, worker_report(portal.settings))
    configure_logging(portal.settings.log_json)  # a line per delivered mail and per job run
    if metrics_port is not None:
        from prometheus_client import start_http_server

        from core.metrics import REGISTRY

        start_http_server(metrics_port, addr=metrics_host, registry=REGISTRY)
    if once:
        sent = run(portal, lambda: run_once(portal))
        click.echo(f"{sent} message(s) sent")
        return
    run(portal, lambda: run_forever(portal))


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("target", default="heads")
def db_upgrade(target: str) -> None:
    """Upgrade the core and every plugin branch (default: all heads)."""
    from core.db.migrations import upgrade

    portal = make_portal()
    _ensure_sqlite_dir(portal)
    upgrade(portal.settings.database_url, portal.plugins, target)
    click.echo("database upgraded")


@db.command("downgrade")
@click.argument("target")
def db_downgrade(target: str) -> None:
    """Downgrade to TARGET (``base`` removes every table)."""
    from core.db.migrations import downgrade

    portal = make_portal()
    downgrade(portal.settings.database_url, portal.plugins, target)
    click.echo(f"database downgraded to {target}")


@db.command("revision")
@click.option("--plugin", "label", required=True, help="Branch label: core, identity, … or a plugin's.")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
@click.option("--depends-on", default="identity", show_default=True, help="For a branch's first revision.")
def db_revision(label: str, message: str, autogenerate: bool, depends_on: str) -> None:
    """Create a migration on one branch (autogenerated from that branch's models)."""
    from core.db.migrations import branch_dirs, revision

    portal = make_portal()
    if label not in branch_dirs(portal.plugins):
        raise click.ClickException(f"no branch {label!r}; known: {', '.join(sorted(branch_dirs(portal.plugins)))}")
    _ensure_sqlite_dir(portal)
    revision(
        portal.settings.database_url, portal.plugins, label, message, autogenerate=autogenerate, depends_on=depends_on
    )


def _ensure_sqlite_dir(portal: Portal) -> None:
    url = portal.settings.database_url
    if url.startswith("sqlite") and ":///" in url:
        from pathlib import Path

        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


@main.group()
def tenants() -> None:
    """Manage tenants (branded portals)."""


def _csv(value: str | None) -> list[str] | None:
    return [item.strip() for item in value.split(",") if item.strip()] if value else None


@tenants.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--plugins", default="", help="Comma-separated provider plugins.")
@click.option("--theme", default="default", show_default=True)
@click.option("--locales", default="en", show_default=True, help="Comma-separated, e.g. fr_CA,en_CA.")
@click.option("--default-locale", default=None)
@click.option("--hostnames", default="", help="Comma-separated extra host names.")
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--country", default="CA", show_default=True)
@click.option("--subdivision", default=None)
@click.option("--ticket-prefix", default="TKT", show_default=True)
def tenants_add(
    slug: str,
    name: str,
    plugins: str,
    theme: str,
    locales: str,
    default_locale: str | None,
    hostnames: str,
    timezone: str,
    country: str,
    subdivision: str | None,
    ticket_prefix: str,
) -> None:
    """Create a tenant."""
    portal = make_portal()

    async def body() -> None:
        async with portal.database.session() as session:
            await create_tenant(
                session,
                portal.plugins,
                slug=slug,
                name=name,
                plugins=_csv(plugins) or [],
                theme=theme,
                locales=_csv(locales) or ["en"],
                default_locale=default_locale,
                hostnames=_csv(hostnames) or [],
                timezone=timezone,
                country=country.upper(),
                subdivision=subdivision,
                ticket_prefix=ticket_prefix.upper(),
            )
            await session.commit()

    try:
        run(portal, body)
    except TenantError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"tenant {slug} created: {portal.settings.public_url}/t/{slug}/")


@tenants.command("list")
def tenants_list() -> None:
    """List tenants."""
    portal = make_portal()

    async def body() -> list[Tenant]:
        async with portal.database.session() as session:
            return list((await session.scalars(select(Tenant).order_by(Tenant.slug))).all())

    for t in run(portal, body):
        state = "enabled" if t.enabled else "disabled"
        click.echo(
            f"{t.slug:<12} {t.name:<28} {state:<8} theme={t.theme} plugins={','.join(t.plugins)} "
            f"locales={','.join(t.locales)} hosts={','.join(t.hostnames) or '-'}"
        )


@tenants.command("update")
@click.argument("slug")
@click.option("--name", default=None)
@click.option("--plugins", default=None)
@click.option("--theme", default=None)
@click.option("--locales", default=None)
@click.option("--default-locale", default=None)
@click.option("--hostnames", default=None)
@click.option("--enable", "enabled", flag_value=True, default=None)
def tenants_update(
    slug: str,
    name: str | None,
    plugins: str | None,
    theme: str | None,
    locales: str | None,
    default_locale: str | None,
    hostnames: str | None,
    enabled: bool | None,
) -> None:
    """Change a tenant."""
    _change_tenant(
        slug,
        name=name,
        plugins=_csv(plugins),
        theme=theme,
        locales=_csv(locales),
        default_locale=default_locale,
        hostnames=_csv(hostnames),
        enabled=enabled,
    )
    click.echo(f"tenant {slug} updated")


@tenants.command("disable")
@click.argument("slug")
def tenants_disable(slug: str) -> None:
    """Disable a tenant: its pages answer 404 until it is enabled again."""
    _change_tenant(slug, enabled=False)
    click.echo(f"tenant {slug} disabled")


def _change_tenant(slug: str, **changes: Any) -> None:
    portal = make_portal()

    async def body() -> None:
        async with portal.database.session() as session:
            tenant = await session.scalar(select(Tenant).where(Tenant.slug == slug))
            if tenant is None:
                raise click.ClickException(f"no tenant {slug!r}")
            await update_tenant(session, portal.plugins, tenant, **changes)
            await session.commit()

    try:
        run(portal, body)
    except TenantError as exc:
        raise click.ClickException(str(exc)) from None


@main.group()
def plugins() -> None:
    """Installed plugins."""


@plugins.command("list")
def plugins_list() -> None:
    """Each plugin with its version, implemented hooks and the tenants using it."""
    portal = make_portal()

    async def body() -> list[Tenant]:
        async with portal.database.session() as session:
            return list((await session.scalars(select(Tenant))).all())

    try:
        all_tenants = run(portal, body)
    except Exception:  # noqa: BLE001 - the list is still useful before the database exists
        all_tenants = []
    for name, info in portal.plugins.infos.items():
        users = "all (default)" if info.default else ", ".join(t.slug for t in all_tenants if name in t.plugins) or "-"
        click.echo(f"{name} {info.version}  tenants: {users}")
        click.echo(f"    hooks: {', '.join(portal.plugins.implemented_hooks(name))}")


plugins.add_command(scaffold_new)


@main.command()
def demo() -> None:
    """Create the demo tenants with their demo data (idempotent) and print how to try them."""
    portal = make_portal()

    async def body() -> list[tuple[Tenant, list[Any]]]:
        created = []
        for name in portal.plugins.provider_names:
            spec = portal.plugins.infos[name].demo_tenant
            if not spec:
                continue
            async with step(f"{spec['slug']}: tenant"), portal.database.session() as session:
                tenant = await session.scalar(select(Tenant).where(Tenant.slug == spec["slug"]))
                if tenant is None:
                    tenant = await create_tenant(session, portal.plugins, plugins=[name], **spec)
                    await session.commit()
            async with step(f"{tenant.slug}: demo data and accounts"), portal.database.session(tenant.id) as session:
                accounts = await resolve(portal.hooks(tenant).portique_demo_data(tenant=tenant, db=session))
                await session.commit()
            created.append((tenant, [a for group in accounts for a in group]))
        return created

    try:
        results = run(portal, body)
    except TenantError as exc:
        raise click.ClickException(str(exc)) from None
    base = portal.settings.public_url.rstrip("/")
    host_base = base.replace("://localhost", "://{slug}.localhost")
    for tenant, accounts in results:
        click.echo(f"\n{tenant.name} ({tenant.slug})")
        click.echo(f"  {host_base.format(slug=tenant.slug)}/   or   {base}/t/{tenant.slug}/")
        for account in accounts:
            click.echo(f"  - {account.login} / {account.password}: {account.note}")

    click.echo(f"\nOperator console: {base}/console   {OPERATOR} / {PASSWORD}")
    click.echo(f"  two-step code: any authenticator app with the secret {DEMO_TOTP_SECRET}, or")
    click.echo(f"  {sys.executable} -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"")
    click.echo(f"Mail sent by the portals: {portal.settings.mail_dir}/<portal>/*.eml (and /dev/mail in debug mode)")


main.add_command(registry)
main.add_command(static)

if __name__ == "__main__":
    main()
