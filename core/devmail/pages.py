"""The development mailbox (debug mode only): mail the outbox holds, per tenant, with working links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from core.mail.models import OutboxMessage
from core.portal import get_portal
from core.web.rendering import render

LINK = re.compile(r"https?://[^\s<>\"]+")
PAGE_SIZE = 100


def linkify(text: str) -> Markup:
    """Escape ``text`` and turn its http(s) addresses into links."""
    out: list[str] = []
    last = 0
    for match in LINK.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        url = escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - every piece was escaped above


def _check_debug() -> None:
    if not get_portal().settings.debug:
        raise HTTPException(status_code=404)


def _scoped(request: Request) -> object:
    query = select(OutboxMessage)
    tenant = request.state.tenant
    if tenant is not None:
        query = query.where(OutboxMessage.tenant_id == tenant.id)
    return query


async def mailbox(request: Request) -> Response:
    """``/dev/mail``: the newest messages (the tenant's on a tenant, all on the operator host)."""
    _check_debug()
    async with get_portal().database.session() as db:
        rows = (await db.scalars(_scoped(request).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE))).all()  # type: ignore[attr-defined]
    return await render(request, "devmail/list.html", {"messages": rows})


async def message(request: Request) -> Response:
    """``/dev/mail/{id}``: one message, text part with clickable links."""
    _check_debug()
    try:
        message_id = int(request.path_params["message_id"])
    except ValueError:
        raise HTTPException(status_code=404) from None
    async with get_portal().database.session() as db:
        row = await db.scalar(_scoped(request).where(OutboxMessage.id == message_id))  # type: ignore[attr-defined]
    if row is None:
        raise HTTPException(status_code=404)
    return await render(request, "devmail/message.html", {"message": row, "body": linkify(row.text_body)})


async def message_html(request: Request) -> Response:
    """``/dev/mail/{id}/html``: the HTML part, sandboxed."""
    _check_debug()
    try:
        message_id = int(request.path_params["message_id"])
    except ValueError:
        raise HTTPException(status_code=404) from None
    async with get_portal().database.session() as db:
        row = await db.scalar(_scoped(request).where(OutboxMessage.id == message_id))  # type: ignore[attr-defined]
    if row is None or not row.html_body:
        raise HTTPException(status_code=404)
    return HTMLResponse(
        row.html_body, headers={"Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'"}
    )


def dev_routes() -> list[BaseRoute]:
    """The dev mailbox routes (they answer 404 unless ``PORTIQUE_DEBUG`` is on)."""
    return [
        Route("/dev/mail", mailbox, name="dev_mail"),
        Route("/dev/mail/{message_id:id}", message, name="dev_mail_message"),
        Route("/dev/mail/{message_id:id}/html", message_html, name="dev_mail_html"),
    ]
