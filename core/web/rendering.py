"""Rendering a page of the current tenant with its theme, navigation, locale and CSRF token."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from babel import Locale
from starlette.requests import Request
from starlette.responses import HTMLResponse

from core.i18n import current_locale
from core.identity.current import current_user
from core.plugins import flatten
from core.portal import Portal, get_portal
from core.tenancy.models import Tenant
from core.web.nav import NavItem
from core.web.templating import bind_csrf_token


def prefixed(request: Request, path: str) -> str:
    """``path`` inside the current tenant (adds the ``/t/<slug>`` prefix when there is one)."""
    return f"{request.scope.get('root_path', '')}{path}"


def path_for(request: Request, name: str, /, **params: Any) -> str:
    """The path of the tenant's route ``name`` inside the tenant (``/luminus/invoices``)."""
    router = request.scope.get("router") or request.app.router
    return str(router.url_path_for(name, **params))


def page_path(tenant: Tenant, name: str, /, **params: Any) -> str:
    """The path inside the tenant of its page ``name`` (a route name), where there is no request."""
    return get_portal().routers.path_for(tenant, name, **params)


def page_url(tenant: Tenant, name: str, /, **params: Any) -> str:
    """The absolute URL of the tenant's page ``name`` (a route name), where there is no request: mails, commands.

    On the tenant's own hostname when it has one, else under ``/t/<slug>`` of the public URL.
    """
    return get_portal().page_url(tenant, name, **params)


def url_for(request: Request, name: str, /, **params: Any) -> str:
    """The path of the tenant's route ``name`` (``luminus_invoices``), tenant prefix included.

    Plugins link to their own pages this way, so the pages follow the plugin's ``url_prefix``.
    """
    return prefixed(request, path_for(request, name, **params))


def nav_path(request: Request, item: NavItem) -> str:
    """The tenant-relative path of a navigation item (its route's path when it names one)."""
    return item.path if item.route is None else path_for(request, item.route, **dict(item.params))


def locale_choices(locales: Sequence[str]) -> list[tuple[str, str]]:
    """(code, name in its own language) for the language switcher (computed once per set)."""
    return list(_locale_choices(tuple(locales)))


@lru_cache(maxsize=256)
def _locale_choices(locales: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    names = [(code, Locale.parse(code).get_display_name(code) or code) for code in locales]
    return tuple((code, name[:1].upper() + name[1:]) for code, name in names)


def tenant_stylesheets(portal: Portal, tenant: Tenant) -> list[str]:
    """The stylesheets the tenant's plugins add, asked once per tenant configuration (they depend on nothing else)."""
    key = ("stylesheets", tenant.id, tenant.updated_at)
    found: list[str] | None = portal.cache.get(key)
    if found is None:
        found = portal.cache[key] = flatten(portal.hooks(tenant).portique_stylesheets(tenant=tenant))
    return found


async def page_context(request: Request, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything the base layout needs, plus ``context``."""
    portal = get_portal()
    tenant = request.state.tenant
    user = await current_user(request) if tenant is not None else None
    nav: list[NavItem] = []
    stylesheets: list[str] = []
    if tenant is not None:
        hooks = portal.hooks(tenant)
        items: list[NavItem] = flatten(hooks.portique_nav_items(tenant=tenant, user=user))
        placed = [replace(item, path=nav_path(request, item)) for item in items]
        nav = sorted(placed, key=lambda item: (item.order, item.path))
        stylesheets = tenant_stylesheets(portal, tenant)
    theme = portal.theme(tenant)
    csrf_token = request.state.session.csrf_token
    bind_csrf_token(csrf_token)
    return {
        "request": request,
        "tenant": tenant,
        "theme": theme,
        "user": user,
        "staff": request.state._state.get("staff"),
        "nav_items": nav,
        "stylesheets": stylesheets,
        "locale": current_locale(),
        "html_lang": current_locale().replace("_", "-"),
        "locales": locale_choices(tenant.locales) if tenant else [],
        "csrf_token": csrf_token,
        "url": lambda path: prefixed(request, path),
        "url_for": lambda name, **params: url_for(request, name, **params),
        "path_for": lambda name, **params: path_for(request, name, **params),
        "current_path": request.url.path[len(request.scope.get("root_path", "")) :] or "/",
        "debug": portal.settings.debug,
        **(context or {}),
    }


async def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` in the tenant's environment and return it as an HTML response."""
    portal = get_portal()
    env = portal.environment(request.state.tenant)
    html = env.get_template(template).render(await page_context(request, context))
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
