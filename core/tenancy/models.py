"""The Tenant model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


class Tenant(Base):
    """One branded portal: its hostnames, plugins, theme, languages and settings."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hostnames: Mapped[list[str]] = mapped_column(JSON, default=list)
    plugins: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme: Mapped[str] = mapped_column(String(40), default="default")
    locales: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    country: Mapped[str] = mapped_column(String(2), default="CA")
    subdivision: Mapped[str | None] = mapped_column(String(10), default=None)
    ticket_prefix: Mapped[str] = mapped_column(String(6), default="TKT")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def plugin_settings(self, plugin: str) -> dict[str, Any]:
        """The raw settings of one plugin on this tenant (validated by the plugin's schema on save)."""
        value = self.settings.get(plugin, {})
        return value if isinstance(value, dict) else {}

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
