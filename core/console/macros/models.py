"""The reply macro table: a tenant's reply template in one language, and how often agents sent it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow

TITLE_MAX = 120
BODY_MAX = 10_000  # as long as a reply may be


class ReplyMacro(TenantOwned, Base):
    """A reply template of a tenant, written in ``locale``; ``use_count`` counts the replies sent with it."""

    __tablename__ = "console_reply_macros"
    __table_args__ = (Index("ix_console_reply_macros_choice", "tenant_id", "locale", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    locale: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    use_count: Mapped[int] = mapped_column(default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
