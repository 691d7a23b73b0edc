"""Per-tenant settings of the plugin (validated when an operator saves the tenant)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

NAME = "omicron_registration"


class OmicronSettings(BaseModel):
    """How registrations are activated and where customer care is reached.

    ``activation_rule``: ``registry`` (default: automatic when the serial number is in the registry and
    not claimed by another company, otherwise an operator approves), ``manual`` (always an operator) or
    ``automatic`` (always automatic after the e-mail confirmation).
    """

    activation_rule: Literal["registry", "manual", "automatic"] = "registry"
    confirmation_days: int = 14
    migration_link_days: int = 7
    customer_care_email: str = "customer.care@omicronenergy.com"
