"""Staff accounts of the operator console: operators see every tenant, agents the tenants given to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


class StaffRole(StrEnum):
    """What a staff member may do: ``operator`` everything everywhere, ``agent`` tickets of its tenants."""

    OPERATOR = "operator"
    AGENT = "agent"


class Staff(Base):
    """A person who works in the console. Not a customer: no tenant, separate sign-in."""

    __tablename__ = "console_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12), default=StaffRole.AGENT)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_operator(self) -> bool:
        """Operators see and administer every tenant."""
        return self.role == StaffRole.OPERATOR


class StaffTenant(Base):
    """A tenant an agent works for."""

    __tablename__ = "console_staff_tenants"
    __table_args__ = (UniqueConstraint("staff_id", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
