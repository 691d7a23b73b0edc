"""The technical library: search and filters over the documents, document pages and downloads."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    audit,
    current_user,
    render,
    tenant_db,
    translated,
)

from .access import (
    owned_families,
    record_refusal,
    signed_in_or_login,
)
from .catalog import DOC_TYPES, FAMILY_LABELS, LANGUAGES, TOPICS
from .importers import words_of
from .library_pdf import file_name, page_count, product_of, render_pdf, section_headings
from .models import Document, DocumentWord

PAGE_SIZE = 20

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
def _search(filters: tuple[str, ...], words: int) -> tuple[Select[Any], Select[Any]]:
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
    date = func.coalesce(Document.published_on, Document.published_on) if filters else Document.published_on
    ids = (
        select(Document.id, date.label("published_on"))
        .where(*conditions)
        .order_by(date.desc(), Document.id.desc())
        .limit(PAGE_SIZE)
        .offset(_OFFSET)
    )
    return ids, count


def _catalogue_labels() -> dict[str, dict[str, str]]:
    """The product, topic, language and type labels in the request's language (translated once per page)."""
    return {
        "families": FAMILY_LABELS,
        "topics": translated(TOPICS),
        "languages": translated(LANGUAGES),
        "doc_types": translated(DOC_TYPES),
    }


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
            **_catalogue_labels(),
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
            **_catalogue_labels(),
        },
    )


async def document_download(request: Request) -> Response:
    """A library document as PDF, for owners of a device of its product family only (a direct URL included).

    The PDF is generated from the document in a worker thread: nothing is stored, the event loop
    stays free, and fpdf2 is loaded with the first download.
    """
    user, refusal = await signed_in_or_login(request)
    if refusal is not None:
        return refusal
    async with tenant_db(request) as db:
        document = await db.scalar(select(Document).where(Document.id == request.path_params["document_id"]))
        if document is None:
            raise HTTPException(status_code=404)
        if document.family not in await owned_families(db, user.id):
            await record_refusal(db, request, user, "document", document.id)
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
