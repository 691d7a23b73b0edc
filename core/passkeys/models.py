"""The passkeys registered by customers (per tenant) and by staff (per console host)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, TenantOwned, utcnow


class PasskeyFields:
    """What every stored passkey keeps: its credential, public key, signature counter and name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(1400))  # base64url, as the browser sends it
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)
    transports: Mapped[list[Any]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(80))
    rp_id: Mapped[str] = mapped_column(String(253))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    user_handle: Mapped[str] = mapped_column(String(100))  # opaque, random: tells nothing of its owner


class Passkey(PasskeyFields, TenantOwned, Base):
    """A customer's passkey on one tenant."""

    __tablename__ = "passkeys"
    __table_args__ = (UniqueConstraint("tenant_id", "credential_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class StaffPasskey(PasskeyFields, Base):
    """A staff member's passkey for the console, bound to the host it was made on (``rp_id``)."""

    __tablename__ = "console_staff_passkeys"
    __table_args__ = (UniqueConstraint("rp_id", "credential_id"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("console_staff.id", ondelete="CASCADE"), index=True)
