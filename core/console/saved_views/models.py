"""The saved view table: a staff member's named queue filters, shared with every staff member or not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow

NAME_MAX = 80


class SavedView(Base):
    """Queue filters saved under a name by ``staff_id``; ``shared`` views (an operator's) show to all staff."""

    __tablename__ = "console_saved_views"
    __table_args__ = (UniqueConstraint("staff_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    filters: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    shared: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
