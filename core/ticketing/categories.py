"""Ticket categories and their extra fields, contributed by plugins (``portique_ticket_categories``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["text", "textarea", "choice", "number", "date", "phone", "email", "account_number"]


@dataclass(frozen=True)
class TicketField:
    """An extra field of a category's form.

    :param name: field name (letters, digits, underscore), unique in the category.
    :param label: lazy translatable label.
    :param kind: input type; ``phone`` and ``email`` are validated and normalised.
    :param required: the field must be filled.
    :param choices: ``(value, label)`` pairs for ``choice``.
    :param help: optional help text.
    """

    name: str
    label: object
    kind: FieldKind = "text"
    required: bool = False
    choices: tuple[tuple[str, object], ...] = ()
    help: object = ""


@dataclass(frozen=True)
class TicketCategory:
    """A kind of request customers may open on a tenant.

    :param code: stable identifier used in URLs (``/support/new/<code>``).
    :param name: lazy translatable name.
    :param help: lazy translatable description shown on the support page.
    :param fields: extra fields of the form.
    :param sla_hours: target in business hours for the first answer.
    :param anonymous: signed-out visitors may open it (they leave an e-mail address).
    :param order: position on the support page; lower first.
    :param notice: optional text shown above the form (an emergency note…).
    """

    code: str
    name: object
    help: object = ""
    fields: tuple[TicketField, ...] = ()
    sla_hours: int = 24
    anonymous: bool = False
    order: int = 100
    notice: object = ""
