"""The customers' privacy requests: one row per "Export my data" (pending to downloaded) and per "Delete my account"."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow


class ExportStatus(StrEnum):
    """Life cycle of an export: pending → building → ready → downloaded | expired (or failed)."""

    PENDING = "pending"
    BUILDING = "building"
    READY = "ready"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"
    FAILED = "failed"


OPEN_STATUSES = (ExportStatus.PENDING, ExportStatus.BUILDING)
"""A request in one of these is still being prepared: the customer waits for its mail."""


class ExportRequest(TenantOwned, Base):
    """A customer's request for the export of their data, and where its archive is stored."""

    __tablename__ = "privacy_export_requests"
    __table_args__ = (Index("ix_privacy_export_requests_user", "tenant_id", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=ExportStatus.PENDING, index=True)
    storage_key: Mapped[str | None] = mapped_column(String(200), default=None)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    built_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    downloaded_at: Mapped[datetime | None] = mapped_column(default=None)


class DeletionStatus(StrEnum):
    """Life cycle of a deletion: pending (the grace period) → done | cancelled | refused."""

    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"
    REFUSED = "refused"  # a plugin refused when the grace period ended (the situation changed)


class DeletionRequest(TenantOwned, Base):
    """A customer's "Delete my account": when it is due, and what was done (``outcome``, by plugin)."""

    __tablename__ = "privacy_deletion_requests"
    __table_args__ = (Index("ix_privacy_deletion_requests_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=DeletionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
