"""The session of one request: load, sign in (rotating the id), sign out, CSRF token."""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from core.db.base import utcnow
from core.sessions.store import SessionData, SessionStore

TOUCH_EVERY = timedelta(seconds=60)
ANONYMOUS_LIFETIME = timedelta(hours=12)


STORED, ANONYMOUS = "s", "a"


def new_session_id(*, stored: bool) -> str:
    """A fresh cookie value. Its first letter says whether the store holds a record for it, so an
    anonymous visitor's requests never touch the store."""
    return (STORED if stored else ANONYMOUS) + secrets.token_urlsafe(32)


def is_stored(raw: str) -> bool:
    """The cookie value names a session the store may hold."""
    return raw.startswith(STORED)


def hash_session_id(raw: str) -> str:
    """The stored id of a session: SHA-256 of the cookie value."""
    return hashlib.sha256(raw.encode()).hexdigest()


class SessionState:
    """A request's session. Changes are saved once, after the response is produced."""

    def __init__(
        self, store: SessionStore, tenant_id: int | None, secret: str, raw_id: str | None, record: SessionData | None
    ) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self._secret = secret
        self.raw_id = raw_id or new_session_id(stored=False)
        self.record = record
        # A fresh id reaches the browser only once it matters: a CSRF token was handed out or data
        # was stored. Static files and JSON answers then never set a cookie.
        self._unsent = raw_id is None
        self.cookie_changed = False
        self.modified = False
        self.created = False  # the record is new: it is inserted, not updated
        self._deleted: list[str] = []

    # -- reading ------------------------------------------------------------------------------
    @property
    def user_id(self) -> int | None:
        """The signed-in customer's id, if any."""
        return self.record.user_id if self.record else None

    @property
    def staff_id(self) -> int | None:
        """The signed-in staff member's id, if any."""
        return self.record.staff_id if self.record else None

    @property
    def persistent(self) -> bool:
        """The session outlives the browser ("stay signed in")."""
        return bool(self.record and self.record.persistent)

    @property
    def expires_at(self) -> datetime | None:
        """When the server forgets the session."""
        return self.record.expires_at if self.record else None

    @property
    def id_hash(self) -> str:
        """The stored id (hash of the cookie value)."""
        return hash_session_id(self.raw_id)

    def get(self, key: str, default: Any = None) -> Any:
        """A value kept in the session."""
        return self.record.data.get(key, default) if self.record else default

    @property
    def csrf_token(self) -> str:
        """The CSRF token bound to this session id (changes when the id rotates)."""
        if self._unsent:
            self.cookie_changed = True
        return hmac.new(self._secret.encode(), f"csrf:{self.raw_id}".encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, token: str | None) -> bool:
        """``token`` is this session's CSRF token (anything else, non-ASCII included, is not)."""
        if not token or len(token) > 256:
            return False
        return hmac.compare_digest(token.encode("utf-8", "surrogatepass"), self.csrf_token.encode())

    # -- a page run again (see core.db.retry) -------------------------------------------------
    def checkpoint(self) -> tuple[Any, ...]:
        """What :meth:`restore` needs to undo the changes made from now on."""
        data = copy.deepcopy(self.record.data) if self.record is not None else None
        flags = (self._unsent, self.cookie_changed, self.modified, self.created)
        return (self.raw_id, self.record, data, flags, list(self._deleted))

    def restore(self, saved: tuple[Any, ...]) -> None:
        """Undo every change made since :meth:`checkpoint` returned ``saved``."""
        self.raw_id, self.record, data, flags, deleted = saved
        if self.record is not None:
            self.record.data = data
        self._unsent, self.cookie_changed, self.modified, self.created = flags
        self._deleted = list(deleted)

    # -- writing ------------------------------------------------------------------------------
    def _ensure_record(self) -> SessionData:
        if self.record is None:
            if not is_stored(self.raw_id):
                self._rotate(stored=True)
            self.record = SessionData(
                id=self.id_hash, tenant_id=self.tenant_id, expires_at=utcnow() + ANONYMOUS_LIFETIME
            )
            self.created = True
            self.cookie_changed = True
        return self.record

    def set(self, key: str, value: Any) -> None:
        """Keep a JSON-serialisable value in the session."""
        self._ensure_record().data[key] = value
        self.modified = True

    def pop(self, key: str, default: Any = None) -> Any:
        """Remove and return a value."""
        if self.record is None or key not in self.record.data:
            return default
        self.modified = True
        return self.record.data.pop(key)

    def _rotate(self, *, stored: bool) -> None:
        if self.record is not None:
            self._deleted.append(self.record.id)
        self.raw_id = new_session_id(stored=stored)
        self.cookie_changed = True

    def sign_in(
        self,
        *,
        user_id: int | None = None,
        staff_id: int | None = None,
        persistent: bool,
        lifetime: timedelta,
        idle: timedelta | None,
        ip: str = "",
        user_agent: str = "",
    ) -> None:
        """Start a signed-in session under a new id (prevents session fixation)."""
        keep = {k: v for k, v in (self.record.data if self.record else {}).items() if k.startswith("keep:")}
        self._rotate(stored=True)
        now = utcnow()
        absolute = now + lifetime
        data: dict[str, Any] = dict(keep)
        data["_absolute_until"] = absolute.isoformat()
        data["_idle"] = int(idle.total_seconds()) if idle and not persistent else 0
        expires = absolute if persistent or not idle else min(absolute, now + idle)
        self.record = SessionData(
            id=self.id_hash,
            tenant_id=self.tenant_id,
            expires_at=expires,
            user_id=user_id,
            staff_id=staff_id,
            data=data,
            persistent=persistent,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
        self.created = True
        self.modified = True

    def sign_out(self) -> None:
        """End the session; the visitor continues with a fresh anonymous one."""
        self._rotate(stored=False)
        self.record = None
        self.created = self.modified = False

    def touch(self) -> None:
        """Slide the idle timeout forward (at most once a minute, to spare the store)."""
        record = self.record
        if record is None or (record.user_id is None and record.staff_id is None):
            return
        now = utcnow()
        if now - record.last_seen_at < TOUCH_EVERY:
            return
        record.last_seen_at = now
        idle = int(record.data.get("_idle", 0))
        if idle:
            absolute = datetime.fromisoformat(record.data["_absolute_until"])
            record.expires_at = min(absolute, now + timedelta(seconds=idle))
        self.modified = True

    async def persist(self) -> None:
        """Write the changes to the store: one write, whatever happened to the session."""
        replaced, self._deleted = self._deleted, []
        if self.created and self.record is not None:
            await self.store.create(self.record, replacing=replaced)
        else:
            for old in replaced:
                await self.store.delete(old)
            if self.modified and self.record is not None:
                await self.store.update(self.record)
        self.created = self.modified = False
