"""Delivering the outbox: retries with back-off; several workers share the queue on PostgreSQL.

Each message is claimed, delivered and committed as sent on its own: on PostgreSQL the claim is a
row lock taken with ``FOR UPDATE SKIP LOCKED``, held while the message is handed to the transport,
so several workers on several machines never send one message twice, and a worker that dies
mid-batch leaves only the message in flight to be sent again. That message keeps its Message-ID
(derived from the outbox row and the deployment's domain), so a receiver can recognise the copy.

A message is given up (status ``failed``) after :data:`MAX_ATTEMPTS` tries, or at once when the
failure is permanent: an address no mail can be sent to, or an SMTP 5xx answer.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import select

from core.db.base import utcnow
from core.mail.addresses import is_email_address
from core.mail.backends import is_permanent
from core.mail.models import OutboxMessage
from core.metrics import OUTBOX_DELIVERIES
from core.portal import Portal
from core.tenancy.models import Tenant

log = logging.getLogger("portique.mail")
MAX_ATTEMPTS = 8
BATCH = 50  # messages per call of deliver_pending
# The headers a mail may add to its outbox row (``queue_mail(headers=…)``): threading and loop prevention.
EXTRA_HEADERS = frozenset(
    {"Reply-To", "In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Portique-Thread"}
)


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


def message_id(row: OutboxMessage, domain: str) -> str:
    """The Message-ID of an outbox row: the same on every try, unique to the row and the deployment."""
    return f"<portique.{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"


def build_message(row: OutboxMessage, domain: str = "localhost") -> EmailMessage:
    """The MIME message of an outbox row (text, plus HTML alternative when present), for SMTP (CRLF).

    :param domain: the deployment's domain (``PORTIQUE_BASE_DOMAIN``), in the Message-ID.
    """
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = row.sender
    message["To"] = row.recipient
    _set_subject(message, row.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(row, domain)
    message["X-Portique-Id"] = str(row.id)
    for name, value in (row.headers or {}).items():
        if name in EXTRA_HEADERS and isinstance(value, str):
            message[name] = " ".join(value.split())  # one line: no header injection
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    # Set last: set_content() and add_alternative() drop or move the Content-* headers set before them.
    message["Content-Language"] = row.locale.replace("_", "-")
    return message


def recipient_domain(address: str) -> str:
    """``***@example.com``: the address with its local part masked, for the logs."""
    return "***@" + address.rpartition("@")[2][:255] if "@" in address else "***"


def backoff(attempts: int) -> timedelta:
    """Delay before the next try: 30 s, 1 min, 2 min… capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _log_delivery(row: OutboxMessage, slug: str | None, outcome: str, elapsed: float) -> None:
    """One line per delivery attempt: outbox id, tenant, masked recipient, outcome and duration."""
    fields = {
        "outbox_id": row.id,
        "tenant": slug or "-",
        "recipient": recipient_domain(row.recipient),
        "outcome": outcome,
        "attempts": row.attempts,
        "duration_ms": round(elapsed * 1000, 1),
    }
    if outcome == "sent":
        log.info("mail %s sent to %s in %.0f ms", row.id, fields["recipient"], elapsed * 1000, extra=fields)
    else:
        log.warning("mail %s not sent (%s): %s", row.id, row.status, row.last_error, extra=fields)


async def deliver_pending(portal: Portal, limit: int = BATCH) -> int:
    """Send up to ``limit`` due messages, committing each one's outcome at once; return how many were sent."""
    sent = 0
    for _ in range(limit):
        outcome = await deliver_next(portal)
        if outcome is None:
            break
        sent += outcome == "sent"
    return sent


async def deliver_next(portal: Portal) -> str | None:
    """Claim the oldest due message, deliver it and commit the outcome (``sent``, ``retry``, ``failed``).

    Returns ``None`` when nothing is due (or every due message is being sent by another worker).
    """
    async with portal.database.session() as db:
        query = (
            select(OutboxMessage, Tenant.slug)
            .outerjoin(Tenant, Tenant.id == OutboxMessage.tenant_id)
            .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id)
            .limit(1)
        )
        if portal.database.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxMessage)
        found = (await db.execute(query)).first()
        if found is None:
            return None
        row, slug = found
        started = time.perf_counter()
        try:
            if not is_email_address(row.recipient, special_use=True):
                raise ValueError(f"{row.recipient[:300]!r} is not an e-mail address a mail can be sent to")
            message = build_message(row, portal.settings.base_domain)
            await portal.mail_backend.deliver(message, folder=slug or "")
        except Exception as exc:  # noqa: BLE001 - a transport failure is retried, unless it is permanent
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}".replace("\x00", "")[:2000]
            row.next_attempt_at = utcnow() + backoff(row.attempts)
            outcome = "retry"
            if row.attempts >= MAX_ATTEMPTS or is_permanent(exc):
                row.status = outcome = "failed"
        else:
            row.status = outcome = "sent"
            row.sent_at = utcnow()
            row.attempts += 1
        await db.commit()
    _log_delivery(row, slug, outcome, time.perf_counter() - started)
    OUTBOX_DELIVERIES.labels(slug or "-", outcome).inc()
    return outcome
