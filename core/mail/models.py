"""The outbox (mail written in the transaction of the change that causes it) and the inbound quarantine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


class OutboxMessage(Base):
    """A rendered mail waiting for (or done with) delivery."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True, default=None
    )
    template: Mapped[str] = mapped_column(String(120))
    sender: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    # Extra headers (Reply-To, References…), see core.mail.worker.EXTRA_HEADERS
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class WorkerHeartbeat(Base):
    """A process delivering the outbox (``portique worker``, or a web process's in-process worker)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class QuarantinedMail(Base):
    """An inbound mail that reached no ticket: unknown sender, forged reply address, auto-reply, bounce…

    The raw message is kept in the storage (``storage_key``) for the operator to look at.
    """

    __tablename__ = "mail_quarantine"
    __table_args__ = (Index("ix_mail_quarantine_tenant", "tenant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), default=None)
    reason: Mapped[str] = mapped_column(String(30))
    sender: Mapped[str] = mapped_column(String(300), default="")
    recipient: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
