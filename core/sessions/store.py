"""Session stores: the ``SessionStore`` protocol, a database store (default) and a Redis store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Executable, delete, select, update

from core.db.base import utcnow
from core.db.engine import TENANT_FILTERED, Database
from core.db.retry import retrying
from core.sessions.models import SessionRecord


@dataclass
class SessionData:
    """What a store keeps for one session."""

    id: str
    tenant_id: int | None
    expires_at: datetime
    user_id: int | None = None
    staff_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    persistent: bool = False
    created_at: datetime = field(default_factory=utcnow)
    last_seen_at: datetime = field(default_factory=utcnow)
    ip: str = ""
    user_agent: str = ""
    # Rows loaded in the same statement as the session (see ``CompanionQuery``); never stored.
    companion: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    def stored_fields(self) -> dict[str, Any]:
        """The fields a store keeps."""
        values = asdict(self)
        values.pop("companion")
        return values


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class SessionStore(Protocol):
    """Where sessions live. Every implementation passes ``tests/core/test_session_stores.py``."""

    async def load(self, session_id: str, tenant_id: int | None) -> SessionData | None:
        """The unexpired session with this hashed id on this tenant, or ``None``."""

    async def save(self, session: SessionData) -> None:
        """Create or replace a session."""

    async def create(self, session: SessionData, *, replacing: Sequence[str] = ()) -> None:
        """Add a new session (a fresh random id), removing the sessions ``replacing`` in the same write."""

    async def update(self, session: SessionData) -> None:
        """Write an existing session's changes; one removed meanwhile (signed out, revoked) stays removed."""

    async def delete(self, session_id: str) -> None:
        """Remove one session."""

    async def delete_for_user(self, tenant_id: int | None, user_id: int, *, keep: str | None = None) -> int:
        """Remove every session of a user (except ``keep``); returns how many."""

    async def list_for_user(self, tenant_id: int | None, user_id: int) -> list[SessionData]:
        """The user's unexpired sessions, newest first."""


class DatabaseSessionStore:
    """Sessions in the ``sessions`` table (works on SQLite and PostgreSQL, no extra service).

    With ``companion``, a tenant's session is loaded together with the rows its pages need, in one
    statement: each signed-in page then saves the round trips that would have loaded them. It is a
    statement with the bound parameters ``session_id`` (hashed) and ``tenant_id`` whose first column
    is the :class:`SessionRecord` and whose other columns are those rows (the user...).
    """

    def __init__(self, database: Database, companion: Executable | None = None) -> None:
        self.database = database
        self.companion = companion

    @staticmethod
    def _to_data(row: SessionRecord) -> SessionData:
        return SessionData(
            id=row.id,
            tenant_id=row.tenant_id,
            expires_at=row.expires_at,
            user_id=row.user_id,
            staff_id=row.staff_id,
            data=dict(row.data or {}),
            persistent=row.persistent,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            ip=row.ip,
            user_agent=row.user_agent,
        )

    async def load(self, session_id: str, tenant_id: int | None) -> SessionData | None:
        companion: tuple[Any, ...] | None = None
        # The request's unit of work (core.db.unit): the page's queries reuse its connection.
        async with self.database.request_session(tenant_id) as db:
            if self.companion is None or tenant_id is None:
                row = await db.get(SessionRecord, session_id)
            else:
                params = {"session_id": session_id, "tenant_id": tenant_id}
                # The companion statement binds tenant_id on each of its tables (SESSION_WITH_PRINCIPAL).
                options = {TENANT_FILTERED: True}
                joined = (await db.execute(self.companion, params, execution_options=options)).first()
                row, companion = (joined[0], tuple(joined[1:])) if joined is not None else (None, None)
        if row is None or row.tenant_id != tenant_id or row.expires_at <= utcnow():
            return None
        data = self._to_data(row)
        data.companion = companion
        return data

    @retrying
    async def save(self, session: SessionData) -> None:
        async with self.database.session() as db:
            await db.merge(SessionRecord(**session.stored_fields()))
            await db.commit()

    @retrying
    async def create(self, session: SessionData, *, replacing: Sequence[str] = ()) -> None:
        async with self.database.session() as db:
            if replacing:
                await db.execute(delete(SessionRecord).where(SessionRecord.id.in_(replacing)))
            db.add(SessionRecord(**session.stored_fields()))
            await db.commit()

    @retrying
    async def update(self, session: SessionData) -> None:
        values = session.stored_fields()
        session_id = values.pop("id")
        async with self.database.session() as db:
            await db.execute(update(SessionRecord).where(SessionRecord.id == session_id).values(**values))
            await db.commit()

    @retrying
    async def delete(self, session_id: str) -> None:
        async with self.database.session() as db:
            await db.execute(delete(SessionRecord).where(SessionRecord.id == session_id))
            await db.commit()

    @retrying
    async def delete_for_user(self, tenant_id: int | None, user_id: int, *, keep: str | None = None) -> int:
        async with self.database.session() as db:
            query = delete(SessionRecord).where(SessionRecord.tenant_id == tenant_id, SessionRecord.user_id == user_id)
            if keep:
                query = query.where(SessionRecord.id != keep)
            result = await db.execute(query)
            await db.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    async def list_for_user(self, tenant_id: int | None, user_id: int) -> list[SessionData]:
        async with self.database.session() as db:
            rows = await db.scalars(
                select(SessionRecord)
                .where(
                    SessionRecord.tenant_id == tenant_id,
                    SessionRecord.user_id == user_id,
                    SessionRecord.expires_at > utcnow(),
                )
                .order_by(SessionRecord.last_seen_at.desc())
            )
            return [self._to_data(row) for row in rows]


class RedisSessionStore:
    """Sessions in Redis (``PORTIQUE_REDIS_URL``): shared by every web process, expiring by TTL."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # optional dependency (extra "redis")

        self.redis = redis.from_url(url)

    @staticmethod
    def _key(session_id: str) -> str:
        return f"portique:session:{session_id}"

    @staticmethod
    def _user_key(tenant_id: int | None, user_id: int) -> str:
        return f"portique:user-sessions:{tenant_id}:{user_id}"

    @staticmethod
    def _dump(session: SessionData) -> str:
        raw = session.stored_fields()
        for name in ("expires_at", "created_at", "last_seen_at"):
            raw[name] = raw[name].isoformat()
        return json.dumps(raw)

    @staticmethod
    def _parse(raw: bytes | str) -> SessionData:
        values = json.loads(raw)
        for name in ("expires_at", "created_at", "last_seen_at"):
            values[name] = datetime.fromisoformat(values[name])
        return SessionData(**values)

    async def load(self, session_id: str, tenant_id: int | None) -> SessionData | None:
        raw = await self.redis.get(self._key(session_id))
        if raw is None:
            return None
        session = self._parse(raw)
        if session.tenant_id != tenant_id or session.expires_at <= utcnow():
            return None
        return session

    async def save(self, session: SessionData) -> None:
        await self._write(session)

    async def create(self, session: SessionData, *, replacing: Sequence[str] = ()) -> None:
        await self._write(session, replacing=replacing)

    async def update(self, session: SessionData) -> None:
        await self._write(session, only_if_present=True)

    async def _write(
        self, session: SessionData, *, replacing: Sequence[str] = (), only_if_present: bool = False
    ) -> None:
        ttl = max(1, int((session.expires_at - utcnow()).total_seconds()))
        pipe = self.redis.pipeline()
        if replacing:
            pipe.delete(*[self._key(old) for old in replacing])
        pipe.set(self._key(session.id), self._dump(session), ex=ttl, xx=only_if_present)
        if session.user_id is not None:
            user_key = self._user_key(session.tenant_id, session.user_id)
            pipe.sadd(user_key, session.id)
            pipe.expire(user_key, max(ttl, 86400 * 31))
        await pipe.execute()

    async def delete(self, session_id: str) -> None:
        await self.redis.delete(self._key(session_id))

    async def delete_for_user(self, tenant_id: int | None, user_id: int, *, keep: str | None = None) -> int:
        user_key = self._user_key(tenant_id, user_id)
        ids = [_text(member) for member in await self.redis.smembers(user_key)]
        doomed = [sid for sid in ids if sid != keep]
        if doomed:
            await self.redis.delete(*[self._key(sid) for sid in doomed])
            await self.redis.srem(user_key, *doomed)
        return len(doomed)

    async def list_for_user(self, tenant_id: int | None, user_id: int) -> list[SessionData]:
        ids = [_text(member) for member in await self.redis.smembers(self._user_key(tenant_id, user_id))]
        sessions = [await self.load(sid, tenant_id) for sid in ids]
        alive = [s for s in sessions if s is not None and s.user_id == user_id]
        return sorted(alive, key=lambda s: s.last_seen_at, reverse=True)
