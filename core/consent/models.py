"""The consent table: one row per document version a customer accepted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow


class ConsentRecord(TenantOwned, Base):
    """A customer accepted ``version`` of ``document`` at ``accepted_at`` from ``ip``; rows are only inserted.

    ``via`` says where: ``registration`` (the registration form) or ``prompt`` (asked after a new version).
    """

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_user", "tenant_id", "user_id", "document"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(20))
    ip: Mapped[str] = mapped_column(String(64), default="")
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
