"""Identity models: tenant-scoped users, provider accounts, memberships, action tokens and recovery codes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, TenantOwned, utcnow


class UserStatus(StrEnum):
    """Life cycle of a user: pending e-mail → pending approval → active | rejected | disabled.

    ``suspended``: every account the user belongs to suspended their access; restoring one makes
    the user active again.
    """

    PENDING_EMAIL = "pending_email"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    REJECTED = "rejected"
    DISABLED = "disabled"
    INVITED = "invited"
    SUSPENDED = "suspended"


class Role(StrEnum):
    """A user's role in an account."""

    HOLDER = "holder"
    ADMIN = "admin"
    MEMBER = "member"


class User(TenantOwned, Base):
    """A person who signs in to one tenant (the same e-mail on two tenants is two users)."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email_normalized"),
        UniqueConstraint("tenant_id", "username_normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    username: Mapped[str | None] = mapped_column(String(150), default=None)
    username_normalized: Mapped[str | None] = mapped_column(String(150), default=None)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str | None] = mapped_column(String(10), default=None)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=UserStatus.PENDING_EMAIL)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    plugin_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", lazy="raise")

    @property
    def full_name(self) -> str:
        """First and last name, or the e-mail when both are empty."""
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email

    @property
    def is_active(self) -> bool:
        """The user may sign in."""
        return self.status == UserStatus.ACTIVE


class Account(TenantOwned, Base):
    """The provider's customer (a company account, a customer number, a device owner…)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    plugin_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="account", lazy="raise")


class Membership(TenantOwned, Base):
    """A user's place in an account: role and plugin-defined permissions."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    suspended: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    account: Mapped[Account] = relationship(back_populates="memberships", lazy="raise")

    def grants(self, permission: str) -> bool:
        """The membership is active and holds ``permission``."""
        return not self.suspended and permission in (self.permissions or [])


class ActionToken(TenantOwned, Base):
    """A single-use link (confirmation, activation, reset, invitation, migration, e-mail change).

    Only the SHA-256 of the random token is stored; the token itself exists only in the mail.
    """

    __tablename__ = "action_tokens"
    __table_args__ = (Index("ix_action_tokens_lookup", "token_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class RecoveryCode(TenantOwned, Base):
    """A single-use recovery code of a user with two-step verification (only its hash is stored).

    See :mod:`core.identity.recovery`; ``used_at`` is set when the code signs someone in.
    """

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("owner_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
