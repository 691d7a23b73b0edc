"""``portique mail-in``: take replies by e-mail in, over SMTP/LMTP (aiosmtpd) or from an IMAP mailbox."""

from __future__ import annotations

import asyncio
import functools

import click

from core.commands import make_portal, run
from core.mail.inbound.imap import ImapAccount, poll_once
from core.mail.inbound.receiver import start_receiver
from core.portal import Portal
from core.ticketing.inbound import accepts, take_in


async def _take(portal: Portal, raw: bytes, sender: str | None, recipients: list[str] | None) -> None:
    await take_in(portal, raw, sender, recipients)


async def receive(portal: Portal, host: str, port: int, lmtp: bool) -> None:
    """Serve SMTP (or LMTP) on ``host:port`` until interrupted."""
    await portal.registry.refresh(force=True)
    server = await start_receiver(
        functools.partial(_take, portal),
        functools.partial(accepts, portal),
        host=host,
        port=port,
        lmtp=lmtp,
        max_bytes=portal.settings.max_request_mb * 1024 * 1024,
        server_name=portal.settings.base_domain,
    )
    names = ", ".join(str(sock.getsockname()[:2]) for sock in server.sockets)
    click.echo(f"mail-in: {'LMTP' if lmtp else 'SMTP'} on {names}")
    async with server:
        await server.serve_forever()


async def poll(portal: Portal, account: ImapAccount, interval: int, once: bool) -> None:
    """Read the IMAP folder every ``interval`` seconds (once with ``once``)."""
    while True:
        taken = await poll_once(account, functools.partial(_take, portal))
        click.echo(f"mail-in: {taken} message(s) taken from {account.host}/{account.folder}")
        if once:
            return
        await asyncio.sleep(interval)


@click.command("mail-in")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the SMTP/LMTP receiver listens on.")
@click.option("--port", default=2525, show_default=True, type=click.IntRange(0, 65535))
@click.option("--lmtp", is_flag=True, help="Speak LMTP instead of SMTP (delivery from Postfix or Dovecot).")
@click.option("--imap", "imap_host", default="", help="Poll this IMAP server instead of listening.")
@click.option("--imap-port", type=click.IntRange(1, 65535), default=None, help="Default: 993, or 143 without SSL.")
@click.option("--imap-security", type=click.Choice(["ssl", "starttls", "plain"]), default="ssl", show_default=True)
@click.option("--imap-user", envvar="PORTIQUE_IMAP_USER", default="")
@click.option("--imap-password", envvar="PORTIQUE_IMAP_PASSWORD", default="", help="Or PORTIQUE_IMAP_PASSWORD.")
@click.option("--imap-folder", default="INBOX", show_default=True)
@click.option("--imap-done-folder", default="", help="Move handled messages there (default: mark them seen).")
@click.option("--interval", default=60, show_default=True, type=click.IntRange(5, 3600), help="Seconds between polls.")
@click.option("--once", is_flag=True, help="Poll the IMAP folder once, then stop.")
def mail_in(
    host: str,
    port: int,
    lmtp: bool,
    imap_host: str,
    imap_port: int | None,
    imap_security: str,
    imap_user: str,
    imap_password: str,
    imap_folder: str,
    imap_done_folder: str,
    interval: int,
    once: bool,
) -> None:
    """Take replies by e-mail into their tickets (SMTP/LMTP receiver, or an IMAP poller with --imap)."""
    if imap_host and (not imap_user or not imap_password):
        raise click.UsageError("--imap needs --imap-user and --imap-password (or PORTIQUE_IMAP_PASSWORD)")
    portal = make_portal()
    if not imap_host:
        run(portal, lambda: receive(portal, host, port, lmtp))
        return
    account = ImapAccount(
        host=imap_host,
        port=imap_port,
        security=imap_security,
        username=imap_user,
        password=imap_password,
        folder=imap_folder,
        done_folder=imap_done_folder,
    )
    run(portal, lambda: poll(portal, account, interval, once))
