"""One document a customer accepts, in its version: the answer of ``portique_consent_documents``.

A plain type (no database, no translation), so the plugin contract can name it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One document in the version a customer accepts.

    :param code: ``terms``, ``privacy``, or a plugin's own, prefixed by its name
        (``lumen_ecommerce.commitment``); at most 40 characters, as ``version``.
    :param version: the version accepted; change it when the text changes.
    :param url: where the customer reads it, if anywhere.
    :param label: its name for people (a lazy string).
    """

    code: str
    version: str
    url: str = ""
    label: object = ""

    @property
    def title(self) -> str:
        """The document's translated name."""
        return str(self.label or self.code)
