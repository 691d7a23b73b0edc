"""The documents a tenant asks its customers to accept, in their current version."""

from __future__ import annotations

from dataclasses import dataclass

from core.consent.settings import consent_settings
from core.i18n import lazy_gettext
from core.tenancy.models import Tenant

TERMS, PRIVACY = "terms", "privacy"
TITLES = {TERMS: lazy_gettext("Terms of use"), PRIVACY: lazy_gettext("Privacy notice")}


@dataclass(frozen=True)
class Document:
    """One document in the version a customer accepts: ``code`` (``terms``, ``privacy``), version, address."""

    code: str
    version: str
    url: str = ""

    @property
    def title(self) -> str:
        """The document's translated name."""
        return str(TITLES.get(self.code, self.code))


def current_documents(tenant: Tenant) -> list[Document]:
    """The tenant's documents that have a version set (none when the operator set no version)."""
    settings = consent_settings(tenant)
    found = [
        Document(TERMS, settings.terms_version, settings.terms_url),
        Document(PRIVACY, settings.privacy_version, settings.privacy_url),
    ]
    return [document for document in found if document.version]
