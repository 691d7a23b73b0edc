"""The tenant's retention periods, in days, with their documented defaults."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field

from core.tenancy.models import Tenant

AUDIT_DAYS = 365
"""Audit entries are kept a year by default."""
OUTBOX_BODY_DAYS = 30
"""The bodies of mail sent (or given up on) are kept a month; the outbox row (who, when, subject) stays."""
CLOSED_TICKET_DAYS = 730
"""A closed ticket, its thread and its attachments are kept two years after it was closed."""
MAX_DAYS = 36_500


class RetentionSettings(BaseModel):
    """Stored under ``settings["retention"]``; every period counts whole days."""

    audit_days: int = Field(default=AUDIT_DAYS, ge=1, le=MAX_DAYS)
    outbox_body_days: int = Field(default=OUTBOX_BODY_DAYS, ge=1, le=MAX_DAYS)
    closed_ticket_days: int = Field(default=CLOSED_TICKET_DAYS, ge=1, le=MAX_DAYS)

    def period(self, name: str) -> timedelta:
        """The period of ``audit``, ``outbox_body`` or ``closed_ticket``."""
        return timedelta(days=int(getattr(self, f"{name}_days")))


def retention_settings(tenant: Tenant) -> RetentionSettings:
    """The tenant's retention periods, defaults for what the operator did not set."""
    return RetentionSettings.model_validate(tenant.plugin_settings("retention"))
