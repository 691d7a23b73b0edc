"""Vidéotron Business back-office registry (local copy): accounts, service lines, authorized users.

These tables stand in for Vidéotron's own systems: they are filled by the CSV import and the demo
data, and read through :mod:`plugins.videotron_business.backend` so a real connector can replace them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow


class AuthorizedUserType(StrEnum):
    """Kinds of authorized users the account holder named: only secondary users may get an access."""

    SECONDARY = "secondary"
    TECHNICAL = "technical"


class RegistryAccount(TenantOwned, Base):
    """A business account in Vidéotron's records.

    ``postal_code`` is the postal code of the service address (for Mobility accounts, of the
    account's billing address), stored normalised (``H2X1Y4``).
    """

    __tablename__ = "videotron_business_accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    company: Mapped[str] = mapped_column(String(200), default="")
    holder_first_name: Mapped[str] = mapped_column(String(100), default="")
    holder_last_name: Mapped[str] = mapped_column(String(100), default="")
    email_on_file: Mapped[str] = mapped_column(String(254))
    service_address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(6))
    mobility: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(10), default="")
    """The language the holder chose for Vidéotron's mail; empty when none was chosen."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def holder_name(self) -> str:
        """The holder's full name."""
        return f"{self.holder_first_name} {self.holder_last_name}".strip()


class RegistryServiceLine(TenantOwned, Base):
    """A service of an account: Internet, business telephony, Mobility line, TV…"""

    __tablename__ = "videotron_business_service_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("videotron_business_accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    identifier: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(String(200), default="", server_default="")


class RegistryAuthorizedUser(TenantOwned, Base):
    """A person the holder named on the account: a secondary user or a technical user.

    ``user_id`` links the portal user once a secondary user was invited.
    """

    __tablename__ = "videotron_business_authorized_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("videotron_business_accounts.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    kind: Mapped[str] = mapped_column(String(20), default=AuthorizedUserType.SECONDARY)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


class HolderRegistration(TenantOwned, Base):
    """The one holder registration of an account: the unique constraint settles concurrent attempts."""

    __tablename__ = "videotron_business_holders"
    __table_args__ = (UniqueConstraint("tenant_id", "account_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
