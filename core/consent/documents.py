"""The documents a tenant asks its customers to accept, in their current version: the tenant's terms of
use and privacy notice (its settings), and at registration the plugins' own (``portique_consent_documents``)."""

from __future__ import annotations

from core.consent.document import Document
from core.consent.settings import consent_settings
from core.i18n import lazy_gettext
from core.plugins import flatten
from core.portal import get_portal
from core.tenancy.models import Tenant

TERMS, PRIVACY = "terms", "privacy"
TITLES = {TERMS: lazy_gettext("Terms of use"), PRIVACY: lazy_gettext("Privacy notice")}


def current_documents(tenant: Tenant) -> list[Document]:
    """The tenant's documents that have a version set (none when the operator set no version)."""
    settings = consent_settings(tenant)
    found = [
        Document(TERMS, settings.terms_version, settings.terms_url, TITLES[TERMS]),
        Document(PRIVACY, settings.privacy_version, settings.privacy_url, TITLES[PRIVACY]),
    ]
    return [document for document in found if document.version]


def registration_documents(tenant: Tenant) -> list[Document]:
    """What a customer accepts by registering: the tenant's current documents and the plugins' own."""
    hooks = get_portal().hooks(tenant)
    return [*current_documents(tenant), *flatten(hooks.portique_consent_documents(tenant=tenant))]
