"""Reply macros: operators manage them per tenant and language; agents insert them on a ticket page (the
customer's language first), the reply counts the use; tenants, CSRF and roles hold."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from core.audit.models import AuditEvent
from core.console.macros.models import ReplyMacro
from core.identity.models import User
from core.portal import Portal
from core.testing import csrf_of
from core.ticketing.models import TicketMessage
from core.ticketing.service import open_ticket
from tests.core.console.conftest import staff_login


async def customer_ticket(portal: Portal, tenant, user, *, locale="fr"):
    category = next(c for c in portal.categories(tenant))
    async with portal.database.session(tenant.id) as db:
        ticket = await open_ticket(
            db,
            tenant,
            category,
            subject="Facture",
            body="Ma facture est fausse.",
            fields={},
            files=[],
            email=user.email,
            name=user.full_name,
            locale=locale,
            user_id=user.id,
        )
        await db.commit()
    return ticket


async def named(portal: Portal, tenant, user, first_name: str):
    async with portal.database.session(tenant.id) as db:
        stored = await db.get(User, user.id)
        stored.first_name = first_name
        await db.commit()
    return stored


async def add_macro(portal: Portal, tenant, title, body, locale="en") -> ReplyMacro:
    async with portal.database.session(tenant.id) as db:
        macro = ReplyMacro(tenant_id=tenant.id, title=title, body=body, locale=locale)
        db.add(macro)
        await db.commit()
    return macro


async def actions(portal: Portal) -> list[str]:
    async with portal.database.session() as db:
        return list(await db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="reply-body" name="body" required>(.*?)</textarea>', page, re.S)
    assert found, page
    return html.unescape(found.group(1))


async def test_operator_creates_edits_lists_and_deletes_a_macro(operator_client, alpha, beta, make_staff, portal):
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    form = await operator_client.get("/console/macros/new")
    assert form.status_code == 200
    csrf = csrf_of(form.text)
    created = await operator_client.post(
        "/console/macros/new",
        data={
            "csrf_token": csrf,
            "tenant": str(alpha.id),
            "locale": "fr",
            "title": "Facture reçue",
            "body": "Bonjour {first_name}, votre demande {ticket_reference} est traitée.",
        },
    )
    assert created.status_code == 303
    async with portal.database.session() as db:
        macro = await db.scalar(select(ReplyMacro))
    assert (macro.tenant_id, macro.locale, macro.title) == (alpha.id, "fr", "Facture reçue")
    listed = await operator_client.get("/console/macros")
    assert "Facture reçue" in listed.text
    assert "French" in listed.text
    assert "Facture reçue" not in (await operator_client.get(f"/console/macros?tenant={beta.id}")).text
    edit = await operator_client.get(f"/console/macros/{macro.id}")
    assert "votre demande {ticket_reference}" in edit.text
    changed = await operator_client.post(
        f"/console/macros/{macro.id}",
        data={"csrf_token": csrf, "tenant": str(beta.id), "locale": "en", "title": "Invoice received", "body": "Hi"},
    )
    assert changed.status_code == 303
    async with portal.database.session() as db:
        macro = await db.get(ReplyMacro, macro.id)
    assert (macro.tenant_id, macro.locale, macro.title) == (alpha.id, "en", "Invoice received")  # tenant kept
    deleted = await operator_client.post(f"/console/macros/{macro.id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303
    async with portal.database.session() as db:
        assert await db.scalar(select(ReplyMacro)) is None
    assert [a for a in await actions(portal) if a.startswith("console.macro")] == [
        "console.macro_created",
        "console.macro_changed",
        "console.macro_deleted",
    ]


async def test_form_errors_are_translated_next_to_fields_and_keep_what_was_typed(operator_client, alpha, make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    csrf = csrf_of((await operator_client.get("/console/macros/new")).text)
    refused = await operator_client.post(
        "/console/macros/new",
        data={"csrf_token": csrf, "tenant": str(alpha.id), "locale": "nl", "title": "", "body": "Texte <gardé>"},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 400
    assert 'id="title-error"' in refused.text
    assert "Ce champ est requis." in refused.text
    assert 'id="locale-error"' in refused.text
    assert "Choisissez une langue de ce portail." in refused.text
    assert "Texte &lt;gardé&gt;" in refused.text


async def test_agents_use_macros_but_do_not_manage_them(operator_client, alpha, make_staff, portal):
    macro = await add_macro(portal, alpha, "Thanks", "Thanks!")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    page = await operator_client.get("/console/tickets")
    assert "/console/macros" not in page.text  # not in the agent's navigation
    csrf = csrf_of(page.text)
    assert (await operator_client.get("/console/macros")).status_code == 404
    assert (await operator_client.get(f"/console/macros/{macro.id}")).status_code == 404
    edit = {"csrf_token": csrf, "tenant": str(alpha.id), "locale": "en", "title": "Mine", "body": "Changed"}
    assert (await operator_client.post(f"/console/macros/{macro.id}", data=edit)).status_code == 404
    assert (await operator_client.post("/console/macros/new", data=edit)).status_code == 404
    assert (await operator_client.post(f"/console/macros/{macro.id}/delete", data=edit)).status_code == 404
    async with portal.database.session() as db:
        assert [(m.title, m.body) for m in await db.scalars(select(ReplyMacro))] == [("Thanks", "Thanks!")]


async def test_every_change_needs_the_csrf_token(operator_client, alpha, make_staff, make_user, portal):
    macro = await add_macro(portal, alpha, "Thanks", "Thanks!")
    operator = await make_staff("op@ops.test", role="operator")
    await staff_login(operator_client, operator)
    values = {"tenant": str(alpha.id), "locale": "en", "title": "X", "body": "Y"}
    assert (await operator_client.post("/console/macros/new", data=values)).status_code == 403
    assert (await operator_client.post(f"/console/macros/{macro.id}", data=values)).status_code == 403
    assert (await operator_client.post(f"/console/macros/{macro.id}/delete", data={})).status_code == 403
    ticket = await customer_ticket(portal, alpha, await make_user(alpha, "c@example.com"))
    insert = {"action": "macro", "macro": str(macro.id), "body": ""}
    assert (await operator_client.post(f"/console/tickets/{ticket.id}", data=insert)).status_code == 403
    async with portal.database.session() as db:
        assert [(m.title, m.body) for m in await db.scalars(select(ReplyMacro))] == [("Thanks", "Thanks!")]


async def test_an_operator_on_a_tenant_console_reaches_only_that_tenants_macros(
    alpha, beta, make_staff, portal, tenant_client
):
    theirs = await add_macro(portal, beta, "Beta greeting", "Dag!", locale="nl")
    await add_macro(portal, alpha, "Alpha greeting", "Hello!")
    operator = await make_staff("op@ops.test", role="operator")
    client = tenant_client(alpha)
    await staff_login(client, operator)
    listed = await client.get("/console/macros")
    assert "Alpha greeting" in listed.text
    assert "Beta greeting" not in listed.text
    csrf = csrf_of(listed.text)
    assert (await client.get(f"/console/macros/{theirs.id}")).status_code == 404
    assert (await client.post(f"/console/macros/{theirs.id}/delete", data={"csrf_token": csrf})).status_code == 404
    sneaky = await client.post(
        "/console/macros/new",
        data={"csrf_token": csrf, "tenant": str(beta.id), "locale": "nl", "title": "Sneaky", "body": "x"},
    )
    assert sneaky.status_code == 400
    async with portal.database.session() as db:
        assert {m.title for m in await db.scalars(select(ReplyMacro))} == {"Alpha greeting", "Beta greeting"}


async def test_agent_picks_a_macro_edits_and_sends_it(
    operator_client, alpha, beta, make_staff, make_user, portal, tenant_client, sign_in
):
    customer = await named(portal, alpha, await make_user(alpha, "zoe@example.com"), "Zoé")
    ticket = await customer_ticket(portal, alpha, customer, locale="fr")
    english = await add_macro(portal, alpha, "A thank-you", "Thanks {first_name}.", locale="en")
    french = await add_macro(
        portal, alpha, "Remerciement", "Bonjour {first_name},\n\nMerci ({ticket_reference}).\n\n{agent_name}", "fr"
    )
    other_tenant = await add_macro(portal, beta, "Beta only", "Secret beta text", locale="fr")
    agent = await make_staff("agent@ops.test", tenants=[alpha], name="Agent Smith")
    await staff_login(operator_client, agent)
    page = await operator_client.get(f"/console/tickets/{ticket.id}")
    assert "Beta only" not in page.text
    # the customer's language comes first
    assert page.text.index("Remerciement") < page.text.index("A thank-you")
    assert '<optgroup label="In the customer\'s language (French)">' in page.text
    csrf = csrf_of(page.text)
    # without JavaScript: the page comes back with the macro after what was typed
    inserted = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "macro", "macro": str(french.id), "body": "Déjà écrit", "internal": ""},
    )
    assert inserted.status_code == 200
    filled = textarea(inserted.text)
    assert filled == f"Déjà écrit\n\nBonjour Zoé,\n\nMerci ({ticket.reference}).\n\nAgent Smith"
    assert f'name="macro_used" value="{french.id}"' in inserted.text
    # another tenant's macro is not available, and what was typed stays
    refused = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf, "action": "macro", "macro": str(other_tenant.id), "body": "Kept"},
    )
    assert refused.status_code == 400
    assert "This reply macro is not available." in refused.text
    assert "Secret beta text" not in refused.text
    assert textarea(refused.text) == "Kept"
    # the agent edits the text and sends it; the use is counted (a foreign id in the form is ignored)
    sent = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={
            "csrf_token": csrf,
            "action": "reply",
            "body": filled.replace("Merci", "Merci beaucoup"),
            "status": "waiting",
            "macro_used": [str(french.id), str(other_tenant.id)],
        },
    )
    assert sent.status_code == 303
    async with portal.database.session() as db:
        uses = {m.title: m.use_count for m in await db.scalars(select(ReplyMacro))}
        used = await db.scalar(select(AuditEvent).where(AuditEvent.action == "console.macro_used"))
        message = await db.scalar(select(TicketMessage).where(TicketMessage.author_type == "staff"))
    assert uses == {"A thank-you": 0, "Remerciement": 1, "Beta only": 0}
    assert (used.subject_id, used.tenant_id, used.data["ticket"]) == (str(french.id), alpha.id, ticket.reference)
    assert "Merci beaucoup" in message.body
    assert english.id != french.id
    # the customer sees the reply on their ticket page
    client = tenant_client(alpha)
    await sign_in(client, alpha, customer)
    thread = await client.get(f"/tickets/{ticket.reference}")
    assert "Merci beaucoup" in thread.text
    assert "Bonjour Zoé" in thread.text


async def test_a_hostile_customer_name_cannot_put_markup_in_a_reply(
    operator_client, alpha, make_staff, make_user, portal
):
    customer = await named(
        portal, alpha, await make_user(alpha, "evil@example.com"), "[win](https://evil.example)<script>"
    )
    ticket = await customer_ticket(portal, alpha, customer, locale="en")
    macro = await add_macro(portal, alpha, "Hello", "Hello {first_name} {{ 7*7 }}")
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    page = await operator_client.get(f"/console/tickets/{ticket.id}")
    assert "<script>" not in page.text.split("</header>", 1)[1].replace('<script src="/static/', "")
    inserted = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf_of(page.text), "action": "macro", "macro": str(macro.id), "body": ""},
    )
    text = textarea(inserted.text)
    assert text == "Hello \\[win\\](https://evil.example)\\<script\\> {{ 7*7 }}"
    sent = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf_of(page.text), "action": "reply", "body": text, "status": ""},
    )
    assert sent.status_code == 303
    thread = (await operator_client.get(f"/console/tickets/{ticket.id}")).text
    assert 'href="https://evil.example"' not in thread
    assert "{{ 7*7 }}" in thread


async def test_choosing_nothing_asks_for_a_macro(operator_client, alpha, make_staff, make_user, portal):
    await add_macro(portal, alpha, "Hello", "Hello")
    ticket = await customer_ticket(portal, alpha, await make_user(alpha, "c@example.com"))
    agent = await make_staff("agent@ops.test", tenants=[alpha])
    await staff_login(operator_client, agent)
    page = await operator_client.get(f"/console/tickets/{ticket.id}")
    asked = await operator_client.post(
        f"/console/tickets/{ticket.id}",
        data={"csrf_token": csrf_of(page.text), "action": "macro", "macro": "", "body": "Typed"},
        headers={"Accept-Language": "fr"},
    )
    assert asked.status_code == 400
    assert "Choisissez d’abord un modèle de réponse." in asked.text
    assert textarea(asked.text) == "Typed"


async def test_the_insert_script_is_served_from_the_consoles_static_folder(operator_client):
    script = await operator_client.get("/static/plugins/console/console.js")
    assert script.status_code == 200
    assert "data-insert-macro" in script.text
