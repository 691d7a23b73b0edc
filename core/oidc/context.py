"""What Authlib's synchronous callbacks of one request need: the tenant, its issuer, a session, claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.tenancy.models import Tenant


@dataclass
class AuditNote:
    """An audit event noted while Authlib runs, recorded by the page afterwards."""

    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProviderContext:
    """One request's provider state. ``claims`` holds the claims gathered (async) for each user id."""

    tenant: Tenant
    issuer: str
    db: Session
    claims: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: list[AuditNote] = field(default_factory=list)

    def note(self, action: str, subject_type: str, subject_id: object, **data: Any) -> None:
        """Note an audit event to record once Authlib has answered."""
        self.notes.append(AuditNote(action, subject_type, str(subject_id), data))
