"""What an operator reads on an approval card: labelled fields, each shown as its kind says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

KINDS = ("text", "datetime", "link", "code")


@dataclass(frozen=True)
class ApprovalField:
    """One line of an approval card.

    :param label: translatable label (``lazy_gettext``), read in the console's language.
    :param value: the value; a :class:`~datetime.datetime` for ``datetime``, an http(s) URL for ``link``.
    :param kind: ``text``; ``datetime`` (formatted for the console's language and the tenant's time
        zone); ``link`` (a link, named by ``link_text``); ``code`` (a fingerprint, an identifier).
    :param link_text: the words of a ``link`` (the URL itself when empty).
    """

    label: object
    value: Any
    kind: str = "text"
    link_text: object = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown approval field kind {self.kind!r}")


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time kept in a payload, as a ``datetime`` (``None`` when it is not one)."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def payload_fields(payload: dict[str, Any] | None, labels: dict[str, object] | None = None) -> list[ApprovalField]:
    """The payload as fields: known keys with their label, others as written; URLs as links."""
    fields = []
    for key, value in (payload or {}).items():
        label = (labels or {}).get(key, key)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            fields.append(ApprovalField(label, value, "link"))
        else:
            fields.append(ApprovalField(label, value))
    return fields
