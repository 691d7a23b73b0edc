"""Staff accounts of the operator console: operators see every tenant, agents the tenants (and ticket
categories) given to them, and the set-password links mailed to new staff."""

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
    # Set when two-step sign-in was reset: the person sets it up again at the next sign-in.
    totp_setup_due: Mapped[bool] = mapped_column(default=False)
    # Sessions signed in before this moment are over (the account was disabled).
    sessions_ended_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_operator(self) -> bool:
        """Operators see and administer every tenant."""
        return self.role == StaffRole.OPERATOR

    @property
    def two_step_set_up(self) -> bool:
        """Signing in asks for a code from an authenticator app."""
        return bool(self.totp_secret)


class StaffTenant(Base):
    """A tenant an agent works for."""

    __tablename__ = "console_staff_tenants"
    __table_args__ = (UniqueConstraint("staff_id", "tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class StaffCategory(Base):
    """A ticket category an agent works on; an agent without any works on every category."""

    __tablename__ = "console_staff_categories"
    __table_args__ = (UniqueConstraint("staff_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(60))


class StaffLink(Base):
    """A single-use set-password link mailed to a staff member (only the token's SHA-256 is stored)."""

    __tablename__ = "console_staff_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class StaffRecoveryCode(Base):
    """A single-use recovery code of a staff member's two-step sign-in (only its hash is stored)."""

    __tablename__ = "console_staff_recovery_codes"
    __table_args__ = (UniqueConstraint("owner_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
