"""Recording what a customer accepted, and finding the documents whose current version they have not."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import client_ip
from core.audit.service import record as audit
from core.consent.document import Document
from core.consent.documents import current_documents
from core.consent.models import ConsentRecord
from core.tenancy.models import Tenant

REGISTRATION, PROMPT = "registration", "prompt"


def record_acceptance(
    db: AsyncSession,
    tenant: Tenant,
    user_id: int,
    documents: list[Document],
    *,
    via: str,
    request: Request | None = None,
) -> None:
    """Add a consent row per document and one ``consent.accepted`` audit entry (the caller commits)."""
    if not documents:
        return
    ip = client_ip(request)
    for document in documents:
        db.add(
            ConsentRecord(
                tenant_id=tenant.id, user_id=user_id, document=document.code, version=document.version, via=via, ip=ip
            )
        )
    audit(
        db,
        "consent.accepted",
        request=request,
        tenant_id=tenant.id,
        actor_type="user",
        actor_id=user_id,
        subject_type="user",
        subject_id=user_id,
        via=via,
        documents={document.code: document.version for document in documents},
    )


async def unaccepted(db: AsyncSession, tenant: Tenant, user_id: int) -> list[Document]:
    """The tenant's current documents whose current version ``user_id`` has not accepted."""
    documents = current_documents(tenant)
    if not documents:
        return []
    rows = await db.execute(
        select(ConsentRecord.document, ConsentRecord.version).where(
            ConsentRecord.tenant_id == tenant.id,
            ConsentRecord.user_id == user_id,
            ConsentRecord.document.in_([document.code for document in documents]),
        )
    )
    accepted = {(code, version) for code, version in rows}
    return [document for document in documents if (document.code, document.version) not in accepted]
