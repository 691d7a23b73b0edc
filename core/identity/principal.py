"""The signed-in principal (user, first active membership, its account), loaded with the session.

Nearly every signed-in page needs the user and most need the membership (navigation, widgets,
permissions). The database session store loads them in the statement that loads the session, so
a signed-in page starts with one round trip instead of three. The statement is built once, with
bound parameters: building and keying it anew for every request would cost more than running it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Executable, Integer, String, and_, bindparam, func, select

from core.identity.models import Account, Membership, User
from core.sessions.models import SessionRecord


class Principal(NamedTuple):
    """What :func:`session_with_principal` loads besides the session (``None`` where nothing matched)."""

    user: User | None
    membership: Membership | None
    account: Account | None


def first_membership_id(tenant_id: Any) -> Any:
    """The id of the user's first active membership (the primary one), as a correlated subquery."""
    return (
        select(func.min(Membership.id))
        .where(Membership.user_id == User.id, Membership.tenant_id == tenant_id, Membership.suspended.is_(False))
        .correlate(User)
        .scalar_subquery()
    )


def _session_with_principal() -> Executable:
    session_id = bindparam("session_id", type_=String)
    tenant_id = bindparam("tenant_id", type_=Integer)
    return (
        select(SessionRecord, User, Membership, Account)
        .outerjoin(User, and_(User.id == SessionRecord.user_id, User.tenant_id == tenant_id))
        .outerjoin(Membership, Membership.id == first_membership_id(tenant_id))
        .outerjoin(Account, Account.id == Membership.account_id)
        .where(SessionRecord.id == session_id)
    )


SESSION_WITH_PRINCIPAL = _session_with_principal()
"""The session with the hashed id ``session_id``, and its user, membership and account on ``tenant_id``."""


def loaded_principal(companion: tuple[Any, ...] | None, user_id: int) -> Principal | None:
    """The principal the session store loaded for ``user_id``, or ``None`` when it did not load one."""
    if companion is None or len(companion) != len(Principal._fields):
        return None
    principal = Principal(*companion)
    return principal if principal.user is not None and principal.user.id == user_id else None
