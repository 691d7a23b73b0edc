"""Per-tenant settings of the Luminus plugin (contact block, advance bounds, document windows)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from core.api import Tenant, utcnow

NAME = "luminus_energy"


class LuminusSettings(BaseModel):
    """Validated settings of one tenant (``tenant.settings["luminus_energy"]``)."""

    contact_phone: str = "078 155 230"
    contact_email: str = "pme@luminus.be"
    business_email: str = "business.services@luminus.be"
    advance_min_amount: int = Field(default=10, ge=0)
    advance_min_percent: int = Field(default=50, ge=0, le=100)
    advance_max_percent: int = Field(default=200, ge=100, le=1000)
    contract_end_notice_days: int = Field(default=60, ge=0)
    min_consumption_months: int = Field(default=3, ge=0)
    pdf_years: int = Field(default=3, ge=1)
    archive_years: int = Field(default=7, ge=1)
    plausibility_factor: float = Field(default=3.0, gt=1)


def settings_for(tenant: Tenant) -> LuminusSettings:
    """The tenant's settings, with defaults for anything missing."""
    return LuminusSettings.model_validate(tenant.plugin_settings(NAME))


def local_today(tenant: Tenant) -> date:
    """Today's date in the tenant's time zone."""
    return utcnow().astimezone(ZoneInfo(tenant.timezone or "Europe/Brussels")).date()
