"""The export requests of the customers: one row per "Export my data", from pending to downloaded."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
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
