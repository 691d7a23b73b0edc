"""Per-tenant settings of the Luminus plugin (supplier identity, contact block, advance bounds, document windows)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Self
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import BaseModel, Field, field_validator, model_validator
from stdnum import bic, iban
from stdnum.be import iban as be_iban
from stdnum.eu import vat

from core.api import Tenant, utcnow

NAME = "luminus_energy"


class Supplier(BaseModel):
    """Who issues the invoices, as printed on them (the defaults are demo values: set the real ones per tenant)."""

    name: str = "Luminus SA"
    street: str = "Boulevard du Roi Albert II 7"
    postcode: str = "1210"
    city: str = "Bruxelles"
    vat_number: str = "BE0471811661"
    company_number: str = "0471.811.661"
    iban: str = "BE48001123456727"
    bic: str = ""

    @field_validator("vat_number")
    @classmethod
    def _valid_vat(cls, value: str) -> str:
        return str(vat.validate(value))

    @field_validator("iban")
    @classmethod
    def _valid_iban(cls, value: str) -> str:
        return str(iban.validate(value))

    @model_validator(mode="after")
    def _bic_of_the_bank(self) -> Self:
        """The BIC, validated; a Belgian IBAN gives it when it is left empty."""
        if not self.bic and self.iban.startswith("BE"):
            self.bic = be_iban.to_bic(self.iban) or ""
        if self.bic:
            self.bic = str(bic.validate(self.bic))
        return self

    @property
    def address(self) -> str:
        """One-line address."""
        return f"{self.street}, {self.postcode} {self.city}"

    @property
    def iban_display(self) -> str:
        """The IBAN in groups of four."""
        return str(iban.format(self.iban))


class LuminusSettings(BaseModel):
    """Validated settings of one tenant (``tenant.settings["luminus_energy"]``)."""

    supplier: Supplier = Field(default_factory=Supplier)

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

    def phone_href(self, number: str) -> str:
        """A ``tel:`` link to a Belgian number as printed (``078 155 230`` → ``tel:+3278155230``)."""
        return _phone_href(number)


@lru_cache(maxsize=256)
def _phone_href(number: str) -> str:
    """:meth:`LuminusSettings.phone_href`, parsed once per number (every page's contact block shows one)."""
    try:
        parsed = phonenumbers.parse(number, "BE")
    except phonenumbers.NumberParseException:
        return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def local_today(tenant: Tenant) -> date:
    """Today's date in the tenant's time zone."""
    return utcnow().astimezone(ZoneInfo(tenant.timezone or "Europe/Brussels")).date()
