"""What a care action is: the value type plugins return from ``portique_care_actions``, and what it runs with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.identity.models import User
    from core.staff.models import Staff
    from core.tenancy.models import Tenant
    from core.ticketing.models import Ticket


class CareRefusedError(Exception):
    """The action cannot run as asked (an invalid value, nothing to do): the message says why, to the agent."""


@dataclass(frozen=True)
class CareInput:
    """A value the agent types before running an action (the new e-mail address…).

    :param name: form field name (letters, digits, underscore).
    :param label: lazy translatable label.
    :param kind: ``email`` (validated by the action) or ``text``.
    :param prefill_from: the ticket field whose value fills it in (``new_email``), if any.
    """

    name: str
    label: object
    kind: Literal["text", "email"] = "text"
    prefill_from: str = ""


@dataclass(frozen=True)
class CareContext:
    """Everything an action works with; ``db`` is the tenant's session, the caller commits."""

    db: AsyncSession
    tenant: Tenant
    ticket: Ticket
    user: User
    staff: Staff
    values: Mapping[str, str]


@dataclass(frozen=True)
class CareDone:
    """What an action did.

    :param note: one translated sentence for the ticket's internal note and the agent's message.
    :param shown_once: a secret the agent passes on to the customer (a temporary password): shown to
        the agent once, never written to the thread or the audit log.
    """

    note: str
    shown_once: str = ""


@dataclass(frozen=True)
class CareAction:
    """One thing customer care does for the requester of a ticket.

    :param code: stable identifier, unique among the actions offered on a ticket (``password_reset``).
    :param label: lazy translatable button label.
    :param run: calls the core's (or the plugin's) existing service and answers what was done
        (:class:`CareDone`); raises :class:`CareRefusedError` to refuse.
    :param help: optional lazy translatable line shown under the button.
    :param inputs: values the agent types first.
    """

    code: str
    label: object
    run: Callable[[CareContext], Awaitable[CareDone]]
    help: object = ""
    inputs: tuple[CareInput, ...] = ()
