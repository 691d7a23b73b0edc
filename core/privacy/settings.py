"""The privacy plugin's per-tenant settings (``settings.privacy`` of the tenant)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field

from core.portal import get_portal
from core.tenancy.models import Tenant

DEFAULT_GRACE_DAYS = 14
"""Days between "Delete my account" and the deletion, during which the customer may change their mind."""


class PrivacySettings(BaseModel):
    """``deletion_grace_days``: the grace period of account deletions on the tenant (1 to 90 days)."""

    deletion_grace_days: int = Field(default=DEFAULT_GRACE_DAYS, ge=1, le=90)


def deletion_grace(tenant: Tenant) -> timedelta:
    """The grace period of a deletion asked for on ``tenant``."""
    days = get_portal().plugins.plugin_settings(tenant, PrivacySettings).deletion_grace_days
    return timedelta(days=days)
