"""The tenant's consent settings: the current version (and address) of each document customers accept."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from core.tenancy.models import Tenant

VERSION_MAX = 40  # the column's length


class ConsentSettings(BaseModel):
    """Stored under ``settings["consent"]``; an empty version means the tenant asks nothing of that document."""

    terms_version: str = Field(default="", max_length=VERSION_MAX)
    terms_url: str = Field(default="", max_length=500)
    privacy_version: str = Field(default="", max_length=VERSION_MAX)
    privacy_url: str = Field(default="", max_length=500)

    @field_validator("terms_url", "privacy_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """An address customers can open: empty, or ``https://`` / ``http://``."""
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("use an address starting with https://")
        return value


def consent_settings(tenant: Tenant) -> ConsentSettings:
    """The tenant's consent settings, defaults for what the operator did not set."""
    return ConsentSettings.model_validate(tenant.plugin_settings("consent"))
