"""A demo reply macro per language of a demo tenant, so ``portique demo`` shows the macro picker at work."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.console.macros.models import ReplyMacro
from core.tenancy.models import Tenant

# Demo content, in the languages the demo portals speak (not interface text: no catalogue).
DEMO_MACROS = {
    "en": (
        "Thanks, we are on it",
        "Hello {first_name},\n\nThank you for your message about {ticket_reference}. "
        "We are looking into it and will come back to you shortly.\n\nKind regards,\n{agent_name}",
    ),
    "fr": (
        "Merci, nous nous en occupons",
        "Bonjour {first_name},\n\nMerci pour votre message au sujet de "
        "{ticket_reference}. Nous l’examinons et revenons vers vous rapidement.\n\nCordialement,\n{agent_name}",
    ),
    "nl": (
        "Bedankt, we gaan ermee aan de slag",
        "Hallo {first_name},\n\nBedankt voor uw bericht over "
        "{ticket_reference}. We bekijken het en komen snel bij u terug.\n\nMet vriendelijke groet,\n{agent_name}",
    ),
    "de": (
        "Danke, wir kümmern uns darum",
        "Guten Tag {first_name},\n\nvielen Dank für Ihre Nachricht zu "
        "{ticket_reference}. Wir prüfen sie und melden uns in Kürze.\n\nFreundliche Grüße\n{agent_name}",
    ),
}


async def demo_macros(tenant: Tenant, db: AsyncSession) -> None:
    """Add the demo macro of each of the tenant's languages it does not have yet (idempotent)."""
    existing = set(await db.scalars(select(ReplyMacro.title).where(ReplyMacro.tenant_id == tenant.id)))
    for locale in tenant.locales:
        title, body = DEMO_MACROS.get(locale.split("_")[0], DEMO_MACROS["en"])
        if title not in existing:
            db.add(ReplyMacro(tenant_id=tenant.id, title=title, locale=locale, body=body))
            existing.add(title)
    await db.flush()
