"""Checking what a person types to sign in: a login and password, then a two-step code.

One home for the throttling (per IP and per account), the enumeration-safe outcome and the audit
events of a sign-in attempt, shared by the sign-in page and the native apps' API; each caller only
answers (a page, a JSON body) and then completes the sign-in its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.audit.service import client_ip
from core.audit.service import record as audit
from core.identity import totp
from core.identity.models import User, UserStatus
from core.identity.passwords import verify_password
from core.identity.rules import login_identifiers
from core.identity.throttle import LOGIN_PER_ACCOUNT, Bucket, get_throttle, login_buckets
from core.identity.users import as_typed_for_lookup, find_user_by_email, find_user_by_username, identifier_key


@dataclass
class PasswordCheck:
    """The outcome of a login and password: the user, or why not (throttled, wrong, not active).

    ``user`` is set only when the password matched; ``refused`` then names a status that is not
    active. ``account_buckets`` are cleared once the caller has completed the sign-in.
    """

    user: User | None = None
    wait: int = 0
    refused: str | None = None
    account_buckets: list[Bucket] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The password matched an active account."""
        return self.user is not None and not self.wait and self.refused is None


async def find_login(db: AsyncSession, identifiers: tuple[str, ...], login: str) -> User | None:
    """The user a ``login`` value designates on this tenant, per the accepted identifiers (NFKC, any case)."""
    login = as_typed_for_lookup(login)
    user = None
    if "username" in identifiers:
        user = await find_user_by_username(db, login)
    if user is None and "email" in identifiers and "@" in login:
        user = await find_user_by_email(db, login)
    return user


async def check_password(
    request: Request, db: AsyncSession, login_value: str, password: str, identifiers: tuple[str, ...] | None = None
) -> PasswordCheck:
    """Check a login and password, throttled, audited and committed.

    A wrong password and an unknown login give the same outcome (and count the same attempts).

    :param identifiers: what a login may be (``username``, ``email``); the tenant's by default.
    """
    tenant = request.state.tenant
    user = await find_login(db, identifiers or login_identifiers(tenant), login_value)
    # End the read before hashing: the connection goes back to the pool instead of being held
    # while the password waits for a hashing thread (the user stays loaded: no expiry on commit).
    await db.commit()
    # The per-account limit counts the account, whichever identifier was typed (username, e-mail,
    # any case or width); an identifier that designates no account counts under its normalised form.
    account_key = f"user:{user.id}" if user is not None else "login:" + identifier_key(login_value)
    ip_buckets, account_buckets = login_buckets(tenant.id, client_ip(request), account_key)
    throttle = get_throttle()
    wait = await throttle.retry_after(*ip_buckets, *account_buckets)
    if wait:
        audit(db, "identity.login_throttled", request=request, login=login_value[:100], retry_after=wait)
        await db.commit()
        return PasswordCheck(wait=wait)
    ok = await verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        await throttle.hit(*ip_buckets, *account_buckets)
        audit(
            db,
            "identity.login_failed",
            request=request,
            subject_type="user" if user else "",
            subject_id=user.id if user else "",
            login=login_value[:100],
        )
        await db.commit()
        return PasswordCheck()
    refused = await refused_status(request, db, user)
    if refused:
        return PasswordCheck(user=user, refused=refused)
    return PasswordCheck(user=user, account_buckets=account_buckets)


async def refused_status(request: Request, db: AsyncSession, user: User) -> str | None:
    """The status that keeps ``user`` from signing in (audited ``identity.login_refused``, committed), or ``None``.

    Every way of proving who one is (password, passkey…) asks this before completing the sign-in.
    """
    if user.status == UserStatus.ACTIVE:
        return None
    audit(db, "identity.login_refused", request=request, subject_type="user", subject_id=user.id, status=user.status)
    await db.commit()
    return str(user.status)


def code_bucket(tenant_id: int, user_id: int) -> Bucket:
    """The bucket of a user's two-step codes (wrong codes count per account)."""
    return Bucket(LOGIN_PER_ACCOUNT, ("totp", str(tenant_id), str(user_id)))


async def code_wait(tenant_id: int, user_id: int) -> int:
    """Seconds before another two-step code of this user is looked at (0: now)."""
    return await get_throttle().retry_after(code_bucket(tenant_id, user_id))


async def check_code(request: Request, db: AsyncSession, user: User, code: str | None) -> bool:
    """Whether ``code`` is the user's current two-step code; a wrong one is counted, audited and committed."""
    if totp.code_ok(user.totp_secret, code):
        return True
    await get_throttle().hit(code_bucket(request.state.tenant.id, user.id))
    audit(db, "identity.login_failed", request=request, subject_type="user", subject_id=user.id, step="totp")
    await db.commit()
    return False
