"""Who sees the exclusive content: the families a customer owns, the topics chosen, signed-in checks.

Access rule: software updates and library files are downloaded only by signed-in customers who own a
device of the product family (a claimed serial number); a direct URL gets the same answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.api import (
    User,
    audit,
    current_user,
    login_url,
)

from .models import ClaimedDevice, Device, UserInterest, WaitingDevice

# The hot statements are built once, with their values bound (``user_id``…): building and keying a
# statement costs more than running it.
USER_ID = bindparam("user_id", type_=Integer)


def claimed(*columns: Any) -> Select[Any]:
    """``columns`` of each device registered by the user bound as ``user_id``."""
    return (
        select(*columns)
        .join(ClaimedDevice, ClaimedDevice.device_id == Device.id)
        .where(ClaimedDevice.user_id == USER_ID)
    )


OWNED = claimed(Device.family)
"""The product family of each device registered by the user bound as ``user_id``."""

INTERESTS = select(UserInterest.kind, UserInterest.code).where(UserInterest.user_id == USER_ID)
"""``(kind, code)`` of the families and topics chosen by the user bound as ``user_id``."""

OWNED_KIND = "owned"
WAITING_KIND = "waiting"
CHOICES: CompoundSelect[str, str] = union_all(
    INTERESTS,
    claimed(literal(OWNED_KIND), Device.family),
    select(literal(WAITING_KIND), WaitingDevice.serial_number).where(WaitingDevice.user_id == USER_ID),
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


async def signed_in_user(request: Request) -> User:
    """The signed-in user (403 for a visitor: the page is behind ``login_required``)."""
    user = await current_user(request)
    if user is None:
        raise HTTPException(status_code=403)
    return user


async def signed_in_or_login(request: Request) -> tuple[Any, Response | None]:
    """The signed-in user, or a redirect to the sign-in page for a visitor (no file is sent)."""
    if request.state.tenant is None:
        raise HTTPException(status_code=404)
    user = await current_user(request)
    if user is None:
        return None, RedirectResponse(login_url(request), status_code=303)
    return user, None


async def record_refusal(db: AsyncSession, request: Request, user: User, kind: str, subject_id: int) -> None:
    """Audit a download refused to a signed-in customer who does not own the product family."""
    audit(db, "omicron.download_refused", request=request, actor_type="user", actor_id=user.id,
          subject_type=kind, subject_id=subject_id)  # fmt: skip
    await db.commit()
