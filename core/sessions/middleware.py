"""ASGI middleware that loads the tenant-bound session and writes its cookie."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.db.base import utcnow
from core.db.engine import Database
from core.db.unit import bind_unit, unbind_unit
from core.sessions.state import SessionState, hash_session_id, is_stored
from core.sessions.store import SessionStore

COOKIE = "portique_session"
FORCE_PASSWORD_CHANGE = "force_password_change"  # noqa: S105 - a session key, not a secret
PASSWORD_PAGE = "/profile/password"  # noqa: S105 - a path, not a secret
FORCE_TOTP_SETUP = "force_totp_setup"
TOTP_PAGE = "/profile/totp"
# Session key → the only page (besides sign-out and language) a signed-in user may open until done.
FORCED_PAGES = {FORCE_PASSWORD_CHANGE: PASSWORD_PAGE, FORCE_TOTP_SETUP: TOTP_PAGE}
ALWAYS_ALLOWED = ("/logout", "/locale/", "/static/", "/theme/", "/healthz", "/readyz", "/metrics")


def _cookie_name(secure: bool) -> str:
    return f"__Host-{COOKIE}" if secure else COOKIE


def _read_cookie(scope: Scope, name: str) -> str | None:
    """The first ``name`` cookie of the request.

    Browsers list cookies with longer paths first (RFC 6265 §5.4), so when the operator host's
    cookie (path ``/``) and a tenant's (path ``/t/<slug>/``) share a name, the tenant's wins.
    """
    for key, value in scope.get("headers", []):
        if key != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            cookie_name, sep, raw = pair.strip().partition("=")
            if sep and cookie_name == name:
                raw = raw.strip().strip('"')
                return raw if 20 <= len(raw) <= 100 and raw.isascii() else None
    return None


class SessionMiddleware:
    """Puts a :class:`SessionState` in ``scope["state"]["session"]``.

    A session belongs to one tenant: a cookie presented on another tenant finds nothing. Under a
    ``/t/<slug>/`` prefix the cookie's path is that prefix, so tenants sharing a host stay apart.
    """

    def __init__(
        self, app: ASGIApp, store: SessionStore, secret: str, *, secure: bool, database: Database | None = None
    ) -> None:
        self.app = app
        self.store = store
        self.secret = secret
        self.secure = secure
        self.database = database  # each request gets its unit of work on it (core.db.unit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        tenant = state.get("tenant")
        tenant_id = tenant.id if tenant is not None else None
        if self.database is None:
            await self._serve(scope, receive, send, tenant_id)
            return
        unit = state["unit"] = self.database.request_unit(tenant_id)
        token = bind_unit(unit)
        try:
            await self._serve(scope, receive, send, tenant_id)
        finally:
            await unit.close()
            unbind_unit(token)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, tenant_id: int | None) -> None:
        state = scope["state"]
        tenant = state.get("tenant")
        unit = state.get("unit")
        prefixed = tenant is not None and not state.get("tenant_host")
        cookie_name = _cookie_name(self.secure and not prefixed)
        cookie_path = (scope.get("root_path") or "") + "/" if prefixed else "/"
        raw = _read_cookie(scope, cookie_name)
        record = await self.store.load(hash_session_id(raw), tenant_id) if raw and is_stored(raw) else None
        session = SessionState(self.store, tenant_id, self.secret, raw, record)
        state["session"] = session
        forced = next((page for key, page in FORCED_PAGES.items() if session.get(key)), None)
        if tenant is not None and session.user_id is not None and forced is not None:
            path = scope["path"][len(scope.get("root_path") or "") :] or "/"
            if not path.startswith((forced, *ALWAYS_ALLOWED)):
                # A temporary password must be replaced (or two-step verification set up) first.
                location = (scope.get("root_path") or "") + forced
                await send(
                    {"type": "http.response.start", "status": 303, "headers": [(b"location", location.encode())]}
                )
                await send({"type": "http.response.body", "body": b""})
                return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                if unit is not None:
                    await unit.close()  # the page is done with the database: its connection goes back first
                session.touch()
                await session.persist()
                if session.cookie_changed:
                    headers = MutableHeaders(scope=message)
                    headers.append("Set-Cookie", self._cookie(session, cookie_name, cookie_path))
                    headers.append("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session: SessionState, name: str, path: str) -> str:
        parts = [f"{name}={session.raw_id}", f"Path={path}", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        if session.persistent and session.expires_at is not None:
            parts.append(f"Max-Age={max(0, int((session.expires_at - utcnow()).total_seconds()))}")
        return "; ".join(parts)
