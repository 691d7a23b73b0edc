"""Delivering the outbox: retries with back-off; several workers share the queue on PostgreSQL.

A message is given up (status ``failed``) after :data:`MAX_ATTEMPTS` tries, or at once when the
failure is permanent: an address no mail can be sent to, or an SMTP 5xx answer.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select

from core.db.base import utcnow
from core.mail.addresses import is_email_address
from core.mail.backends import is_permanent
from core.mail.models import OutboxMessage
from core.portal import Portal
from core.tenancy.models import Tenant

log = logging.getLogger("portique.mail")
MAX_ATTEMPTS = 8


def _set_subject(message: EmailMessage, subject: str) -> None:
    """Set the subject; a non-ASCII one as RFC 2047 encoded words with every space inside a word.

    The standard library's folder (default and SMTP policies alike) may split a non-ASCII subject
    into encoded words at a space and leave that space *between* two encoded words, where RFC 2047
    readers drop it: "été reçue" arrives as "étéreçue". The subject is encoded whole instead, as
    stored raw lines under 78 characters that no policy folds again.
    """
    subject = " ".join(subject.split())  # one line: no header injection through set_raw
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n"))


def build_message(row: OutboxMessage) -> EmailMessage:
    """The MIME message of an outbox row (text, plus HTML alternative when present), for SMTP (CRLF)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = row.sender
    message["To"] = row.recipient
    _set_subject(message, row.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="portique")
    message["X-Portique-Id"] = str(row.id)
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    # Set last: set_content() and add_alternative() drop or move the Content-* headers set before them.
    message["Content-Language"] = row.locale.replace("_", "-")
    return message


def backoff(attempts: int) -> timedelta:
    """Delay before the next try: 30 s, 1 min, 2 min… capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


async def deliver_pending(portal: Portal, limit: int = 50) -> int:
    """Send the due messages; return how many were sent."""
    sent = 0
    async with portal.database.session() as db:
        query = (
            select(OutboxMessage, Tenant.slug)
            .outerjoin(Tenant, Tenant.id == OutboxMessage.tenant_id)
            .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if portal.database.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        rows = (await db.execute(query)).all()
        for row, slug in rows:
            try:
                if not is_email_address(row.recipient, special_use=True):
                    raise ValueError(f"{row.recipient[:300]!r} is not an e-mail address a mail can be sent to")
                await portal.mail_backend.deliver(build_message(row), folder=slug or "")
            except Exception as exc:  # noqa: BLE001 - a transport failure is retried, unless it is permanent
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}".replace("\x00", "")[:2000]
                row.next_attempt_at = utcnow() + backoff(row.attempts)
                if row.attempts >= MAX_ATTEMPTS or is_permanent(exc):
                    row.status = "failed"
                log.warning("mail %s not sent (%s): %s", row.id, row.status, row.last_error)
            else:
                row.status = "sent"
                row.sent_at = utcnow()
                row.attempts += 1
                sent += 1
        await db.commit()
    return sent
