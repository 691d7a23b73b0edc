"""The reply macro choice of a ticket page: the tenant's macros, the customer's language first, filled in."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.console.macros.models import ReplyMacro
from core.console.macros.placeholders import fill
from core.identity.models import User
from core.staff.models import Staff
from core.ticketing.models import Ticket


@dataclass(frozen=True)
class MacroChoice:
    """A macro as the agent picks it: its id, title, language and text with the placeholders filled."""

    id: int
    title: str
    locale: str
    text: str


@dataclass(frozen=True)
class MacroPicker:
    """The choice on a ticket page: macros in the customer's language, then the others."""

    customer_locale: str
    in_customer_language: list[MacroChoice] = field(default_factory=list)
    in_other_languages: list[MacroChoice] = field(default_factory=list)

    def find(self, macro_id: int | None) -> MacroChoice | None:
        """The choice ``macro_id`` (only this ticket's tenant's macros are in the picker)."""
        return next((c for c in self.in_customer_language + self.in_other_languages if c.id == macro_id), None)


def first_name_of(ticket: Ticket, requester: User | None) -> str:
    """The customer's first name: from their account, else the first word of the name on the ticket."""
    if requester is not None and requester.first_name:
        return requester.first_name
    words = ticket.requester_name.split()
    return words[0] if words else ""


def _same_language(locale: str, customer_locale: str) -> bool:
    return locale.split("_")[0].lower() == customer_locale.split("_")[0].lower()


async def picker_for(db: AsyncSession, ticket: Ticket, requester: User | None, staff: Staff) -> MacroPicker:
    """The macros of ``ticket``'s tenant, filled for this ticket, its customer and ``staff``."""
    macros = await db.scalars(
        select(ReplyMacro)
        .where(ReplyMacro.tenant_id == ticket.tenant_id)
        .order_by(ReplyMacro.locale, ReplyMacro.title, ReplyMacro.id)
    )
    values = {
        "first_name": first_name_of(ticket, requester),
        "ticket_reference": ticket.reference,
        "agent_name": staff.name,
    }
    picker = MacroPicker(customer_locale=ticket.requester_locale)
    for macro in macros:
        choice = MacroChoice(macro.id, macro.title, macro.locale, fill(macro.body, values))
        shelf = (
            picker.in_customer_language
            if _same_language(macro.locale, ticket.requester_locale)
            else picker.in_other_languages
        )
        shelf.append(choice)
    return picker
