"""Ticketing tables: tickets, their messages (replies and internal notes), attachments, reference counters."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow

# Sort key of tickets whose SLA clock is not running (paused, resolved): after every running one.
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class TicketStatus(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING)


class Ticket(TenantOwned, Base):
    """A customer's request, with its SLA clock.

    The clock counts business minutes from opening to resolution; it pauses while the ticket waits
    on the customer. ``sla_used_minutes`` holds the minutes of finished running segments and
    ``sla_segment_start`` the start of the running one (``None`` when paused or stopped).
    """

    __tablename__ = "ticketing_tickets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_ticketing_tickets_queue", "tenant_id", "status", "sort_due_at", "id"),
        Index("ix_ticketing_tickets_due", "sort_due_at", "id"),
        Index("ix_ticketing_tickets_requester", "tenant_id", "requester_user_id", "id"),
        Index("ix_ticketing_tickets_account", "tenant_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=TicketStatus.NEW)
    requester_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    requester_email: Mapped[str] = mapped_column(String(254))
    requester_name: Mapped[str] = mapped_column(String(200), default="")
    requester_locale: Mapped[str] = mapped_column(String(10), default="en")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assignee_id: Mapped[int | None] = mapped_column(default=None, index=True)
    sla_target_minutes: Mapped[int] = mapped_column(default=24 * 60)
    sla_used_minutes: Mapped[int] = mapped_column(default=0)
    sla_segment_start: Mapped[datetime | None] = mapped_column(default=None)
    sla_due_at: Mapped[datetime | None] = mapped_column(default=None)
    sort_due_at: Mapped[datetime] = mapped_column(default=NO_DUE)
    sla_breached_at: Mapped[datetime | None] = mapped_column(default=None)
    first_response_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_open(self) -> bool:
        """New, open or waiting on the customer."""
        return self.status in OPEN_STATUSES


class TicketMessage(TenantOwned, Base):
    """One entry of a ticket's thread: a customer message, a staff reply, or an internal note."""

    __tablename__ = "ticketing_messages"
    __table_args__ = (Index("ix_ticketing_messages_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticketing_tickets.id", ondelete="CASCADE"))
    author_type: Mapped[str] = mapped_column(String(12))  # customer | staff | system
    author_user_id: Mapped[int | None] = mapped_column(default=None)
    author_staff_id: Mapped[int | None] = mapped_column(default=None)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)
    via: Mapped[str] = mapped_column(String(10), default="web", server_default="web")  # web | email
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketAttachment(TenantOwned, Base):
    """A file attached to a message; the content lives in the storage under ``storage_key``."""

    __tablename__ = "ticketing_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticketing_tickets.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticketing_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketCounter(TenantOwned, Base):
    """The last ticket number given on a tenant in a year (references restart each year)."""

    __tablename__ = "ticketing_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    value: Mapped[int] = mapped_column(default=0)


class RatingScore(StrEnum):
    """A customer's verdict on how their resolved request was handled."""

    GOOD = "good"
    POOR = "poor"


class TicketRating(TenantOwned, Base):
    """The customer's satisfaction with a resolved ticket (the latest, when it was resolved again).

    The category and the agent (the assignee when it was rated) are copied, so the console's
    scores per category and agent stay what they were when the customer answered.
    """

    __tablename__ = "ticketing_ratings"
    __table_args__ = (UniqueConstraint("tenant_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticketing_tickets.id", ondelete="CASCADE"))
    score: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60))
    agent_id: Mapped[int | None] = mapped_column(default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
