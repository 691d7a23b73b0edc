"""ASGI middleware that picks the request's locale and activates its catalogs."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from core.i18n.context import activate
from core.i18n.negotiation import match_locale, negotiate
from core.portal import Portal

LOCALE_COOKIE = "portique_locale"
OPERATOR_LOCALES = ["en", "fr", "nl", "de"]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:  # noqa: BLE001 - a malformed header is ignored
        return None
    return cookie[name].value if name in cookie else None


def chosen_locale(scope: Scope, available: list[str]) -> str | None:
    """The language the person picked with the switcher in this browser (its cookie), within ``available``."""
    cookie = _cookie(scope, LOCALE_COOKIE)
    return match_locale(cookie, available) if cookie else None


def remember_chosen_locale(response: Response, scope: Scope, code: str) -> None:
    """Keep ``code`` as this browser's chosen language (the switcher's cookie, for a year)."""
    root = scope.get("root_path", "")
    response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 86400, path=(root + "/") if root else "/", samesite="lax")


class LocaleMiddleware:
    """Sets ``scope["state"]["locale"]`` from preference → cookie → Accept-Language → default."""

    def __init__(self, app: ASGIApp, portal: Portal) -> None:
        self.app = app
        self.portal = portal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.portal.activate()
        state = scope.setdefault("state", {})
        tenant = state.get("tenant")
        available = list(tenant.locales) if tenant is not None else OPERATOR_LOCALES
        default = tenant.default_locale if tenant is not None else "en"
        session = state.get("session")
        locale = negotiate(
            available,
            default,
            preference=session.get("locale") if session is not None else None,
            cookie=_cookie(scope, LOCALE_COOKIE),
            accept_language=_header(scope, b"accept-language"),
        )
        state["locale"] = locale
        activate(locale, self.portal.translations(tenant, locale))
        await self.app(scope, receive, send)
