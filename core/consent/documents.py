"""The documents a tenant asks its customers to accept, in their current version: the tenant's terms of
use and privacy notice (its settings), and at registration the plugins' own (``portique_consent_documents``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.consent.settings import consent_settings
from core.i18n import lazy_gettext
from core.plugins import flatten
from core.portal import get_portal
from core.tenancy.models import Tenant

TERMS, PRIVACY = "terms", "privacy"
TITLES = {TERMS: lazy_gettext("Terms of use"), PRIVACY: lazy_gettext("Privacy notice")}


@dataclass(frozen=True)
class Document:
    """One document in the version a customer accepts.

    :param code: ``terms``, ``privacy``, or a plugin's own, prefixed by its name
        (``lumen_ecommerce.commitment``); at most 40 characters, as ``version``.
    :param version: the version accepted; change it when the text changes.
    :param url: where the customer reads it, if anywhere.
    :param label: its name for people (a lazy string); the core names its own two.
    """

    code: str
    version: str
    url: str = ""
    label: object = ""

    @property
    def title(self) -> str:
        """The document's translated name."""
        return str(self.label or TITLES.get(self.code, self.code))


def current_documents(tenant: Tenant) -> list[Document]:
    """The tenant's documents that have a version set (none when the operator set no version)."""
    settings = consent_settings(tenant)
    found = [
        Document(TERMS, settings.terms_version, settings.terms_url),
        Document(PRIVACY, settings.privacy_version, settings.privacy_url),
    ]
    return [document for document in found if document.version]


def registration_documents(tenant: Tenant) -> list[Document]:
    """What a customer accepts by registering: the tenant's current documents and the plugins' own."""
    hooks = get_portal().hooks(tenant)
    return [*current_documents(tenant), *flatten(hooks.portique_consent_documents(tenant=tenant))]
