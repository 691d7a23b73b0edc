"""Topics and dashboard: the products and topics a customer follows, and what the dashboard shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, Select, String, bindparam, select, union_all
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    current_locale,
    flash,
    gettext,
    login_required,
    redirect_to,
    render,
    tenant_db,
    utcnow,
)

from .access import (
    CHOICES,
    OWNED_KIND,
    WAITING_KIND,
    interests_of,
    signed_in_user,
)
from .catalog import DOC_TYPES, EVENT_KINDS, FAMILY_LABELS, LANGUAGES, TOPICS
from .models import Document, Event, SoftwareUpdate, UserInterest
from .settings import NAME

# -- topics and dashboard -------------------------------------------------------------------------


@login_required
async def interests_page(request: Request) -> Response:
    """``/omicron/interests``: the products and topics of the personal dashboard."""
    user = await signed_in_user(request)
    async with tenant_db(request) as db:
        if request.method == "POST":
            data = await request.form()
            families = {v for v in data.getlist("family") if v in FAMILY_LABELS}
            topics = {v for v in data.getlist("topic") if v in TOPICS}
            for row in await db.scalars(select(UserInterest).where(UserInterest.user_id == user.id)):
                await db.delete(row)
            await db.flush()
            for code in sorted(families):
                db.add(UserInterest(user_id=user.id, kind="family", code=code))
            for code in sorted(topics):
                db.add(UserInterest(user_id=user.id, kind="topic", code=code))
            await db.commit()
            flash(request, gettext("Your dashboard now follows the products and topics you chose."), "success")
            return redirect_to(request, "home")
        families, topics = await interests_of(db, user.id)
    return await render(
        request,
        "omicron_registration/interests.html",
        {"chosen_families": families, "chosen_topics": topics, "families": FAMILY_LABELS, "topics": TOPICS},
    )


_FAMILIES = bindparam("families", type_=String, expanding=True)
_TOPICS = bindparam("topics", type_=String, expanding=True)
READING_TYPES = ("manual", "application_note", "paper")
MEDIA_TYPES = ("video", "article")


READING_SHOWN, MEDIA_SHOWN = 5, 4


def _newest(doc_types: tuple[str, ...], limit: int, *, in_language: bool = False) -> Select[Any]:
    """Ids of the ``limit`` newest documents of ``doc_types`` in the families or topics bound
    (with ``in_language``: only those in the ``language`` bound)."""
    conditions: list[ColumnElement[bool]] = [
        Document.family.in_(_FAMILIES) | Document.topic.in_(_TOPICS),
        Document.doc_type.in_(doc_types),
    ]
    if in_language:
        conditions.append(Document.language == bindparam("language", type_=String))
    newest = (
        select(Document.id)
        .where(*conditions)
        .order_by(Document.published_on.desc(), Document.id.desc())
        .limit(limit)
        .subquery()
    )
    return select(newest.c.id)


FOR_YOU = select(Document).where(
    Document.id.in_(
        union_all(
            _newest(READING_TYPES, READING_SHOWN, in_language=True),
            _newest(READING_TYPES, READING_SHOWN),
            _newest(MEDIA_TYPES, MEDIA_SHOWN, in_language=True),
            _newest(MEDIA_TYPES, MEDIA_SHOWN),
        )
    )
)
"""Candidates of the dashboard (unordered): for reading (5) and for videos and articles (4), the newest
documents of the ``families`` or ``topics`` bound in the reader's ``language``, and in any language."""


def for_you(found: list[Document], language: str, limit: int) -> list[Document]:
    """The reader's language first, newest first; then other languages fill the list up to ``limit``."""
    newest = sorted(found, key=lambda d: (d.published_on, d.id), reverse=True)
    return sorted(newest, key=lambda d: d.language != language)[:limit]


LATEST_UPDATES = (
    select(SoftwareUpdate)
    .where(SoftwareUpdate.family.in_(_FAMILIES))
    .order_by(SoftwareUpdate.released_on.desc())
    .limit(3)
)
"""The 3 newest software updates of the ``families`` bound."""

UPCOMING_EVENTS = (
    select(Event)
    .where(Event.country == bindparam("country", type_=String), Event.starts_on >= bindparam("today", type_=Date))
    .order_by(Event.starts_on)
    .limit(4)
)
"""The next 4 events in the ``country`` bound, from ``today`` on."""


async def dashboard_context(request: Request) -> dict[str, Any]:
    """What the dashboard widget shows: documents, updates, events, videos and articles that match."""
    user = await signed_in_user(request)
    country = ((user.plugin_data or {}).get(NAME) or {}).get("country", "")
    documents: list[Document] = []
    media: list[Document] = []
    async with tenant_db(request) as db:
        rows = (await db.execute(CHOICES, {"user_id": user.id})).all()
        families = {code for kind, code in rows if kind == "family"}
        topics = {code for kind, code in rows if kind == "topic"}
        owned = {code for kind, code in rows if kind == OWNED_KIND}
        waiting = sorted(code for kind, code in rows if kind == WAITING_KIND)
        if families or topics:
            language = current_locale().split("_", 1)[0]
            values = {"families": sorted(families), "topics": sorted(topics), "language": language}
            found = list(await db.scalars(FOR_YOU, values))
            documents = for_you([d for d in found if d.doc_type not in MEDIA_TYPES], language, READING_SHOWN)
            media = for_you([d for d in found if d.doc_type in MEDIA_TYPES], language, MEDIA_SHOWN)
        updates = list(await db.scalars(LATEST_UPDATES, {"families": sorted(owned)})) if owned else []
        today = utcnow().date()
        events = list(await db.scalars(UPCOMING_EVENTS, {"country": country, "today": today})) if country else []
    return {
        "has_interests": bool(families or topics),
        "documents": documents,
        "media": media,
        "updates": updates,
        "waiting": waiting,
        "events": events,
        "event_kinds": EVENT_KINDS,
        "doc_types": DOC_TYPES,
        "languages": LANGUAGES,
        "families": FAMILY_LABELS,
    }
