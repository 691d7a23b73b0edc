"""Exclusive content for registered customers: My devices, software updates, technical library, topics.

Access rule: software updates and library files are downloaded only by signed-in customers who own a
device of the product family (a claimed serial number); a direct URL gets the same answer.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    distinct,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.api import (
    ApprovalRequest,
    ApprovalStatus,
    PortiqueForm,
    StorageError,
    Tenant,
    User,
    audit,
    current_locale,
    current_user,
    flash,
    get_storage,
    gettext,
    login_required,
    login_url,
    queue_mail,
    redirect,
    render,
    service,
    tenant_db,
    utcnow,
)

from .backend import OmicronBackend, SerialStatus
from .catalog import DOC_TYPES, EVENT_KINDS, FAMILY_LABELS, LANGUAGES, TOPICS
from .library_pdf import file_name, page_count, product_of, render_pdf, section_headings
from .models import ClaimedDevice, Device, Document, DocumentWord, Event, SoftwareUpdate, UserInterest, WaitingDevice
from .registration import approval_payload, serial_field
from .registry import words_of
from .settings import NAME

PAGE_SIZE = 20
DEVICE_CLAIM = "device_claim"
DEVICE_ATTEMPTS_PER_HOUR = 10


# The hot statements are built once, with their values bound (``user_id``…): building and keying a
# statement costs more than running it.
_USER_ID = bindparam("user_id", type_=Integer)


def _claimed(*columns: Any) -> Select[str, str]:
    """``columns`` of each device registered by the user bound as ``user_id``."""
    return (
        select(*columns)
        .join(ClaimedDevice, ClaimedDevice.device_id == Device.id)
        .where(ClaimedDevice.user_id == _USER_ID)
    )


OWNED = _claimed(Device.family)
"""The product family of each device registered by the user bound as ``user_id``."""

INTERESTS = select(UserInterest.kind, UserInterest.code).where(UserInterest.user_id == _USER_ID)
"""``(kind, code)`` of the families and topics chosen by the user bound as ``user_id``."""

_OWNED_KIND = "owned"
_WAITING_KIND = "waiting"
CHOICES: CompoundSelect[str, str] = union_all(
    INTERESTS,
    _claimed(literal(_OWNED_KIND), Device.family),
    select(literal(_WAITING_KIND), WaitingDevice.serial_number).where(WaitingDevice.user_id == _USER_ID),
)
"""The user's interests, ``("owned", family)`` for each device the user registered, and
``("waiting", serial)`` for each accepted serial number the registry does not know yet."""


async def owned_families(db: AsyncSession, user_id: int) -> set[str]:
    """Product families of the devices the user registered."""
    return set(await db.scalars(OWNED, {"user_id": user_id}))


async def interests_of(db: AsyncSession, user_id: int) -> tuple[set[str], set[str]]:
    """(families, topics) the user chose for the dashboard."""
    rows = (await db.execute(INTERESTS, {"user_id": user_id})).all()
    return {code for kind, code in rows if kind == "family"}, {code for kind, code in rows if kind == "topic"}


# -- My devices -----------------------------------------------------------------------------------


DEVICES = _claimed(Device, ClaimedDevice.claimed_at).order_by(ClaimedDevice.claimed_at)
"""The devices registered by the user bound as ``user_id``, with when, in that order."""

_CLAIMS = (
    ApprovalRequest.plugin == NAME,
    ApprovalRequest.kind == DEVICE_CLAIM,
    ApprovalRequest.user_id == _USER_ID,
)
CHECKING, IN_REGISTRY = "checking", "registry"
PENDING_DEVICES = union_all(
    select(
        literal(CHECKING).label("state"),
        ApprovalRequest.payload["serial"].as_string().label("serial"),
        ApprovalRequest.created_at.label("since"),
    ).where(*_CLAIMS, ApprovalRequest.status == ApprovalStatus.PENDING),
    select(literal(IN_REGISTRY), WaitingDevice.serial_number, WaitingDevice.accepted_at).where(
        WaitingDevice.user_id == _USER_ID
    ),
)
"""``(state, serial, since)`` of the user's devices that are not in the list yet: ``checking`` (a claim
an operator has not decided) or ``registry`` (accepted, waiting for the device registry)."""


def _recent_attempts() -> Select[Any]:
    since = bindparam("since", type_=ClaimedDevice.claimed_at.type)
    claimed = select(func.count()).select_from(ClaimedDevice)
    claimed = claimed.where(ClaimedDevice.user_id == _USER_ID, ClaimedDevice.claimed_at > since)
    requested = select(func.count()).select_from(ApprovalRequest).where(*_CLAIMS, ApprovalRequest.created_at > since)
    return select(claimed.scalar_subquery(), requested.scalar_subquery())


RECENT_ATTEMPTS = _recent_attempts()
"""(devices registered, device claims requested) by the user bound as ``user_id`` after ``since``."""


class AddDeviceForm(PortiqueForm):
    """Register another device: the same serial-number checks as the registration."""

    serial_number = serial_field()


@login_required
async def devices_page(request: Request) -> Response:
    """``/omicron/devices``: the user's devices, and a form to add another one."""
    user = await _user(request)
    tenant = request.state.tenant
    form = await AddDeviceForm.from_request(request)
    async with tenant_db(request) as db:
        if request.method == "POST" and form.validate() and await too_many_device_attempts(db, user.id):
            form.serial_number.errors = [
                gettext("You have tried to add many devices in the last hour. Please try again later.")
            ]
        elif request.method == "POST" and not form.serial_number.errors:
            outcome = await add_device(db, tenant, user, form.serial_number.data, request=request)
            await db.commit()
            if outcome == "added":
                flash(request, gettext("The device %(serial)s was added.", serial=form.serial_number.data), "success")
                return redirect(request, "/omicron/devices")
            if outcome == "pending":
                flash(
                    request,
                    gettext(
                        "We could not verify %(serial)s automatically. OMICRON will check it; this can take some time.",
                        serial=form.serial_number.data,
                    ),
                    "warning",
                )
                return redirect(request, "/omicron/devices")
            form.serial_number.errors = [gettext("This device is already in your list.")]
        devices = (await db.execute(DEVICES, {"user_id": user.id})).all()
        pending = sorted((await db.execute(PENDING_DEVICES, {"user_id": user.id})).all(), key=lambda row: row.since)
    return await render(
        request,
        "omicron_registration/devices.html",
        {"form": form, "devices": devices, "pending": pending, "families": FAMILY_LABELS},
    )


async def too_many_device_attempts(db: AsyncSession, user_id: int) -> bool:
    """More than ``DEVICE_ATTEMPTS_PER_HOUR`` devices added or requested in the last hour (no registry probing)."""
    claimed, requested = (
        await db.execute(RECENT_ATTEMPTS, {"user_id": user_id, "since": utcnow() - timedelta(hours=1)})
    ).one()
    return int(claimed or 0) + int(requested or 0) >= DEVICE_ATTEMPTS_PER_HOUR


async def add_device(
    db: AsyncSession, tenant: Tenant, user: User, serial: str, *, request: Request | None = None
) -> str:
    """Claim ``serial`` for ``user``: ``added`` (registry rule passed), ``pending`` (operator) or ``duplicate``."""
    backend = service(tenant, OmicronBackend)
    check = await backend.check_serial(db, serial, user.company, user_id=user.id)
    already = await db.scalar(
        select(ClaimedDevice.id)
        .join(Device, Device.id == ClaimedDevice.device_id)
        .where(Device.serial_number == serial, ClaimedDevice.user_id == user.id)
    )
    if already is not None:
        return "duplicate"
    if check.status == SerialStatus.KNOWN:
        await backend.claim(db, serial, user.id, user.company)
        audit(db, "omicron.device_claimed", request=request, actor_type="user", actor_id=user.id,
              subject_type="device", subject_id=serial)  # fmt: skip
        return "added"
    country = ((user.plugin_data or {}).get(NAME) or {}).get("country", "")
    db.add(
        ApprovalRequest(
            plugin=NAME,
            kind=DEVICE_CLAIM,
            title=f"Device {serial} for {user.full_name} ({user.company})",
            user_id=user.id,
            payload={**approval_payload(check, user.company, country), "serial": serial},
        )
    )
    audit(db, "omicron.device_claim_requested", request=request, actor_type="user", actor_id=user.id,
          subject_type="device", subject_id=serial)  # fmt: skip
    return "pending"


async def approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> None:
    """An operator decided on a device claim: an approved one becomes the user's device.

    Approved before the registry knows the serial number, it waits for it (:mod:`.waiting`).
    """
    if approval.plugin != NAME or approval.kind != DEVICE_CLAIM or approval.user_id is None:
        return
    user = await db.get(User, approval.user_id)
    serial = str(approval.payload.get("serial", ""))
    if user is None or not serial:
        return
    approved = approval.status == ApprovalStatus.APPROVED
    waiting = False
    if approved and not await service(tenant, OmicronBackend).claim(db, serial, user.id, user.company):
        from .waiting import wait_for_registry

        await wait_for_registry(db, tenant, user, serial, user.company)
        waiting = True
    queue_mail(
        db,
        tenant,
        user.email,
        "omicron_registration/device_decided",
        {"user": user, "serial": serial, "approved": approved, "waiting": waiting, "reason": approval.reason},
        locale=user.locale,
    )


# -- software updates -----------------------------------------------------------------------------


def _owned_updates() -> Select[Any]:
    owned = OWNED.distinct().subquery()
    return (
        select(owned.c.family, SoftwareUpdate)
        .outerjoin(SoftwareUpdate, SoftwareUpdate.family == owned.c.family)
        .order_by(owned.c.family, SoftwareUpdate.released_on.desc())
    )


OWNED_UPDATES = _owned_updates()
"""``(family, update)`` for each family the user bound as ``user_id`` owns, newest update first
(``(family, None)`` for a family without updates)."""


async def updates_page(request: Request) -> Response:
    """``/omicron/updates``: releases of the families the user owns (visitors are invited to register)."""
    user = await current_user(request)
    updates: list[SoftwareUpdate] = []
    families: set[str] = set()
    if user is not None:
        async with tenant_db(request) as db:
            for family, update in await db.execute(OWNED_UPDATES, {"user_id": user.id}):
                families.add(family)
                if update is not None:
                    updates.append(update)
    return await render(
        request,
        "omicron_registration/updates.html",
        {"updates": updates, "owned": families, "families": FAMILY_LABELS},
    )


async def update_download(request: Request) -> Response:
    """A software update file, for owners of its product family only (a direct URL included)."""
    user, refusal = await _signed_in_or_login(request)
    if refusal is not None:
        return refusal
    async with tenant_db(request) as db:
        update = await db.scalar(select(SoftwareUpdate).where(SoftwareUpdate.id == request.path_params["update_id"]))
        if update is None:
            raise HTTPException(status_code=404)
        if update.family not in await owned_families(db, user.id):
            await _refused(db, request, user, "software_update", update.id)
            raise HTTPException(status_code=403, detail="not_owner")
        audit(db, "omicron.update_downloaded", request=request, actor_type="user", actor_id=user.id,
              subject_type="software_update", subject_id=update.id)  # fmt: skip
        await db.commit()
    try:
        content = await get_storage().read(update.file_key)
    except StorageError:
        raise HTTPException(status_code=404) from None
    disposition = f"attachment; filename*=UTF-8''{quote(update.file_name)}"
    return Response(content, media_type="application/octet-stream", headers={"Content-Disposition": disposition})


# -- technical library ----------------------------------------------------------------------------


FILTERS = ("family", "topic", "language", "doc_type")
"""The library's filters: fields of :class:`LibraryQuery`, columns of the documents and of their words."""


@dataclass(frozen=True)
class LibraryQuery:
    """The search and filters of the library page (unknown values are ignored)."""

    q: str = ""
    family: str = ""
    topic: str = ""
    language: str = ""
    doc_type: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> LibraryQuery:
        """Read the query string; out-of-range values fall back to "all"."""
        try:
            page = max(1, min(int(params.get("page", "1")), 10_000))
        except ValueError:
            page = 1
        return cls(
            q=params.get("q", "").strip()[:100],
            family=params.get("family", "") if params.get("family", "") in FAMILY_LABELS else "",
            topic=params.get("topic", "") if params.get("topic", "") in TOPICS else "",
            language=params.get("language", "") if params.get("language", "") in LANGUAGES else "",
            doc_type=params.get("type", "") if params.get("type", "") in DOC_TYPES else "",
            page=page,
        )

    @property
    def filters(self) -> dict[str, str]:
        """The filters that are set, by column (the same names on documents and on their words)."""
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}

    def link(self, page: int) -> str:
        """The query string of another page of the same search."""
        from urllib.parse import urlencode

        values = {"q": self.q, "family": self.family, "topic": self.topic, "language": self.language}
        values["type"] = self.doc_type
        values["page"] = str(page)
        return "?" + urlencode({k: v for k, v in values.items() if v})


async def search_documents(db: AsyncSession, query: LibraryQuery, tenant_id: int) -> tuple[list[Document], int]:
    """One page of matching documents (newest first) and the number of matches.

    One statement: the page's documents, each with the number of matches. A page past the last one
    has no row to carry it, and counts on its own.
    """
    words = sorted(words_of(query.q), key=lambda w: (-len(w), w))[:5]
    if query.q and not words:
        return [], 0
    filters = query.filters
    documents, count = _search(tuple(filters), len(words))
    values: dict[str, Any] = {"tenant": tenant_id, "offset": (query.page - 1) * PAGE_SIZE, **filters}
    for i, word in enumerate(words):
        values[f"from{i}"], values[f"to{i}"] = word, word[:-1] + chr(ord(word[-1]) + 1)
    rows = (await db.execute(documents, values)).all()
    if rows:
        return [document for document, _total in rows], int(rows[0][1])
    return [], 0 if query.page == 1 else int(await db.scalar(count, values) or 0)


SearchStatements = tuple[Select[int, date], Select[int]]
"""A page's ``(id, published_on)`` rows, newest first, and the statement counting every match."""


@functools.cache
def _search(filters: tuple[str, ...], words: int) -> tuple[Select[Document, int], Select[int]]:
    """The statements of a search with these filters and this many words, built once for each.

    The page's documents, newest first, each with the number of matches; and that number alone. Bound:
    ``tenant``, ``offset``, each filter by its name, and the index range of each word (``from0``, ``to0``…).
    """
    ids, count = _search_words(filters, words) if words else _search_filters(filters)
    page = ids.subquery()
    documents = (
        select(Document, count.scalar_subquery())
        .join(page, page.c.id == Document.id)
        .order_by(page.c.published_on.desc(), page.c.id.desc())
    )
    return documents, count


_TENANT = bindparam("tenant", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)


def _prefix(i: int) -> Any:
    """Index entries of word ``i`` or of words starting with it ("transf" finds "transformers").

    The range is bound as ``from<i>`` (the word) and ``to<i>``: the word with its last character
    incremented ("transg"), a range any database serves from the index, whatever its collation.
    """
    return (DocumentWord.word >= bindparam(f"from{i}", type_=String)) & (
        DocumentWord.word < bindparam(f"to{i}", type_=String)
    )


def _search_words(filters: tuple[str, ...], words: int) -> SearchStatements:
    """Search through the word index alone: the longest word drives, the others must also appear.

    The page's ``(id, published_on)``, newest first, and the statement counting the matches.
    """
    conditions = [DocumentWord.tenant_id == _TENANT, _prefix(0)]
    conditions += [getattr(DocumentWord, name) == bindparam(name, type_=String) for name in filters]
    for i in range(1, words):
        other = select(DocumentWord.document_id).where(DocumentWord.tenant_id == _TENANT, _prefix(i))
        conditions.append(DocumentWord.document_id.in_(other))
    count = select(func.count(distinct(DocumentWord.document_id))).where(*conditions)
    newest = func.max(DocumentWord.published_on)
    ids = (
        select(DocumentWord.document_id.label("id"), newest.label("published_on"))
        .where(*conditions)
        .group_by(DocumentWord.document_id)
        .order_by(newest.desc(), DocumentWord.document_id.desc())
        .limit(PAGE_SIZE)
        .offset(_OFFSET)
    )
    return ids, count


def _search_filters(filters: tuple[str, ...]) -> SearchStatements:
    """Filters only: the page's ``(id, published_on)`` from the documents' covering indexes, and the count.

    With a filter, the date is wrapped so that SQLite pages through the filter's covering index instead of
    walking the whole listing index (PostgreSQL plans from its statistics either way).
    """
    conditions = [getattr(Document, name) == bindparam(name, type_=String) for name in filters]
    count = select(func.count(Document.id)).where(*conditions)
    day = func.coalesce(Document.published_on, Document.published_on) if filters else Document.published_on
    ids = (
        select(Document.id, day.label("published_on"))
        .where(*conditions)
        .order_by(day.desc(), Document.id.desc())
        .limit(PAGE_SIZE)
        .offset(_OFFSET)
    )
    return ids, count


async def library_page(request: Request) -> Response:
    """``/omicron/library``: search and filter the technical library (downloads for owners)."""
    user = await current_user(request)
    query = LibraryQuery.from_params(request.query_params)
    async with tenant_db(request) as db:
        documents, total = await search_documents(db, query, request.state.tenant.id)
        owned = await owned_families(db, user.id) if user is not None else set()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return await render(
        request,
        "omicron_registration/library.html",
        {
            "query": query,
            "documents": documents,
            "total": total,
            "pages": pages,
            "owned": owned,
            "families": FAMILY_LABELS,
            "topics": TOPICS,
            "languages": LANGUAGES,
            "doc_types": DOC_TYPES,
        },
    )


async def document_page(request: Request) -> Response:
    """``/omicron/library/{id}``: one document, what it contains, and its download (for owners of its family)."""
    user = await current_user(request)
    async with tenant_db(request) as db:
        document = await db.scalar(select(Document).where(Document.id == request.path_params["document_id"]))
        if document is None:
            raise HTTPException(status_code=404)
        owned = await owned_families(db, user.id) if user is not None else set()
    return await render(
        request,
        "omicron_registration/document.html",
        {
            "document": document,
            "owner": document.family in owned,
            "product": product_of(document),
            "contents": section_headings(document),
            "pages": page_count(document),
            "families": FAMILY_LABELS,
            "topics": TOPICS,
            "languages": LANGUAGES,
            "doc_types": DOC_TYPES,
        },
    )


async def document_download(request: Request) -> Response:
    """A library document as PDF, for owners of a device of its product family only (a direct URL included).

    The PDF is generated from the document in a worker thread: nothing is stored, the event loop
    stays free, and fpdf2 is loaded with the first download.
    """
    user, refusal = await _signed_in_or_login(request)
    if refusal is not None:
        return refusal
    async with tenant_db(request) as db:
        document = await db.scalar(select(Document).where(Document.id == request.path_params["document_id"]))
        if document is None:
            raise HTTPException(status_code=404)
        if document.family not in await owned_families(db, user.id):
            await _refused(db, request, user, "document", document.id)
            raise HTTPException(status_code=403, detail="not_owner")
        audit(db, "omicron.document_downloaded", request=request, actor_type="user", actor_id=user.id,
              subject_type="document", subject_id=document.id)  # fmt: skip
        await db.commit()
    pdf = await run_in_threadpool(render_pdf, document)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(document)}"',
            "Cache-Control": "private, max-age=3600",
        },
    )


# -- topics and dashboard -------------------------------------------------------------------------


@login_required
async def interests_page(request: Request) -> Response:
    """``/omicron/interests``: the products and topics of the personal dashboard."""
    user = await _user(request)
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
            return redirect(request, "/")
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
    user = await _user(request)
    country = ((user.plugin_data or {}).get(NAME) or {}).get("country", "")
    documents: list[Document] = []
    media: list[Document] = []
    async with tenant_db(request) as db:
        rows = (await db.execute(CHOICES, {"user_id": user.id})).all()
        families = {code for kind, code in rows if kind == "family"}
        topics = {code for kind, code in rows if kind == "topic"}
        owned = {code for kind, code in rows if kind == _OWNED_KIND}
        waiting = sorted(code for kind, code in rows if kind == _WAITING_KIND)
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


# -- helpers --------------------------------------------------------------------------------------


async def _user(request: Request) -> User:
    user = await current_user(request)
    if user is None:
        raise HTTPException(status_code=403)
    return user


async def _signed_in_or_login(request: Request) -> tuple[Any, Response | None]:
    """The signed-in user, or a redirect to the sign-in page for a visitor (no file is sent)."""
    if request.state.tenant is None:
        raise HTTPException(status_code=404)
    user = await current_user(request)
    if user is None:
        return None, RedirectResponse(login_url(request), status_code=303)
    return user, None


async def _refused(db: AsyncSession, request: Request, user: User, kind: str, subject_id: int) -> None:
    audit(db, "omicron.download_refused", request=request, actor_type="user", actor_id=user.id,
          subject_type=kind, subject_id=subject_id)  # fmt: skip
    await db.commit()
