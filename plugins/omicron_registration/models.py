"""Tables of the OMICRON Customer Area: the back-office registry and the customers' exclusive content."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.api import Base, TenantOwned, utcnow


class Device(TenantOwned, Base):
    """A device OMICRON sold: serial number (``AB123Z``), product, family, country, owner when known."""

    __tablename__ = "omicron_registration_devices"
    __table_args__ = (UniqueConstraint("tenant_id", "serial_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(6))
    product: Mapped[str] = mapped_column(String(60))
    family: Mapped[str] = mapped_column(String(30), index=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    owner_company: Mapped[str] = mapped_column(String(200), default="")
    sold_on: Mapped[date | None] = mapped_column(Date, default=None)


class LegacyAccount(TenantOwned, Base):
    """An account of the former Customer Area, waiting to be moved to the new portal."""

    __tablename__ = "omicron_registration_legacy_accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "email_normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_normalized: Mapped[str] = mapped_column(String(254))
    username: Mapped[str] = mapped_column(String(150))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    company: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    migrated_at: Mapped[datetime | None] = mapped_column(default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


class ClaimedDevice(TenantOwned, Base):
    """A device a customer registered ("My devices"); the company is kept to spot foreign claims."""

    __tablename__ = "omicron_registration_claimed_devices"
    __table_args__ = (UniqueConstraint("device_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(
        ForeignKey("omicron_registration_devices.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company: Mapped[str] = mapped_column(String(200), default="")
    company_key: Mapped[str] = mapped_column(String(200), default="")
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


_FILTERS = ("family", "topic", "language", "doc_type")
_COVER = {lead: ("tenant_id", lead, *(f for f in _FILTERS if f != lead), "published_on", "id") for lead in _FILTERS}


class Document(TenantOwned, Base):
    """A document of the technical library (manual, application note, paper, video, article)."""

    __tablename__ = "omicron_registration_documents"
    __table_args__ = (
        Index("ix_omicron_registration_documents_listing", "tenant_id", "published_on", "id"),
        # Covering indexes, one per leading filter: counting and paging run on the index alone.
        Index("ix_omicron_registration_documents_family", *_COVER["family"]),
        Index("ix_omicron_registration_documents_topic", *_COVER["topic"]),
        Index("ix_omicron_registration_documents_lang", *_COVER["language"]),
        Index("ix_omicron_registration_documents_type", *_COVER["doc_type"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[str] = mapped_column(String(30))
    topic: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    doc_type: Mapped[str] = mapped_column(String(20))
    published_on: Mapped[date] = mapped_column(Date)
    pages: Mapped[int] = mapped_column(default=1)


class DocumentWord(TenantOwned, Base):
    """One word of a document's title or summary: the search index of the library (any database).

    The document's filter columns and date are repeated here, so that a search with filters counts and
    pages on this index alone.
    """

    __tablename__ = "omicron_registration_document_words"
    __table_args__ = (
        Index(
            "ix_omicron_registration_document_words_search",
            "tenant_id",
            "word",
            *_FILTERS,
            "published_on",
            "document_id",
        ),
        Index("ix_omicron_registration_document_words_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("omicron_registration_documents.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(40))
    family: Mapped[str] = mapped_column(String(30))
    topic: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5))
    doc_type: Mapped[str] = mapped_column(String(20))
    published_on: Mapped[date] = mapped_column(Date)


class SoftwareUpdate(TenantOwned, Base):
    """A software release of a product family; its file lives in the storage backend."""

    __tablename__ = "omicron_registration_software_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(String(30), index=True)
    product: Mapped[str] = mapped_column(String(60))
    version: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str] = mapped_column(Text, default="")
    released_on: Mapped[date] = mapped_column(Date)
    file_key: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")


class Event(TenantOwned, Base):
    """An event or training in a country, shown on the dashboards of customers in that country."""

    __tablename__ = "omicron_registration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    family: Mapped[str] = mapped_column(String(30))
    topic: Mapped[str] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    starts_on: Mapped[date] = mapped_column(Date)


class UserInterest(TenantOwned, Base):
    """A product family or topic a customer chose for the personal dashboard."""

    __tablename__ = "omicron_registration_user_interests"
    __table_args__ = (UniqueConstraint("user_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(30))


class WaitingDevice(TenantOwned, Base):
    """A serial number OMICRON accepted for a customer that the device registry does not know yet.

    It becomes the customer's device as soon as the registry has it (a "devices sold" import, or the
    hourly look-up in a connected back office); until then the customer sees it as waiting.
    """

    __tablename__ = "omicron_registration_waiting_devices"
    __table_args__ = (
        UniqueConstraint("user_id", "serial_number"),
        Index("ix_omicron_registration_waiting_devices_serial", "tenant_id", "serial_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    serial_number: Mapped[str] = mapped_column(String(6))
    company: Mapped[str] = mapped_column(String(200), default="")
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
