"""Mail transports: the ``MailBackend`` protocol, a file backend (development) and SMTP."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from core.db.base import utcnow
from core.settings import Settings


class MailBackend(Protocol):
    """Delivers one message or raises."""

    async def deliver(self, message: EmailMessage, *, folder: str) -> None:
        """Send ``message``; ``folder`` groups messages (the tenant slug) where the backend can."""


class FileBackend:
    """Writes each message as an ``.eml`` file under ``var/mail/<tenant>/``.

    The file is written under a temporary name and renamed into place, so whoever watches the
    folder (a developer's mail client, a test waiting for a link) never reads half a message.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def deliver(self, message: EmailMessage, *, folder: str) -> None:
        target = self.directory / re.sub(r"[^a-z0-9_-]", "_", folder or "_operator")
        target.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        final = target / f"{stamp}-{message['X-Portique-Id']}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(bytes(message))
        partial.replace(final)


class SmtpBackend:
    """Sends through an SMTP server with aiosmtplib (STARTTLS and login when configured)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def deliver(self, message: EmailMessage, *, folder: str) -> None:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            start_tls=s.smtp_starttls,
            timeout=30,
        )


def is_permanent(exc: BaseException) -> bool:
    """The failure will happen again on every try: the address or the message is refused for good.

    A malformed address (``ValueError`` while the message is addressed), and an SMTP answer in the
    5xx range (``550 no such user``, ``553 mailbox name not allowed``…) are permanent; a refused or
    lost connection, a timeout and 4xx answers are worth another try.
    """
    if isinstance(exc, ValueError | UnicodeError):
        return True
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= refused.code < 600 for refused in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return 500 <= exc.code < 600
    return False


def make_backend(settings: Settings) -> MailBackend:
    """The backend named by ``PORTIQUE_MAIL_BACKEND``."""
    if settings.mail_backend == "smtp":
        return SmtpBackend(settings)
    return FileBackend(settings.mail_dir)
