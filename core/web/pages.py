"""Pages every tenant has: home (visitor) or dashboard (signed in), and the language switcher."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.consent.gate import consent_redirect
from core.i18n.middleware import remember_chosen_locale
from core.identity.current import current_user
from core.identity.flows import LOCALE_OFFER
from core.plugins import flatten, resolve_one
from core.portal import get_portal
from core.web.redirects import safe_next
from core.web.rendering import prefixed, render


async def home(request: Request) -> Response:
    """The tenant's home: a welcome page for visitors, the dashboard with widgets when signed in."""
    tenant = request.state.tenant
    user = await current_user(request)
    if user is None:
        return await render(request, "home.html")
    gate = await consent_redirect(request, user.id)
    if gate is not None:
        return gate
    hooks = get_portal().hooks(tenant)
    widgets = sorted(flatten(hooks.portique_dashboard_widgets(tenant=tenant, user=user)), key=lambda w: w.order)
    rendered = []
    for widget in widgets:
        context = dict(widget.context)
        if widget.load is not None:
            context.update(await resolve_one(widget.load(request)))
        rendered.append((widget.template, context))
    return await render(request, "dashboard.html", {"widgets": rendered})


async def switch_locale(request: Request) -> Response:
    """Remember the chosen language (a cookie, and the session when signed in) and go back."""
    tenant = request.state.tenant
    code = request.path_params["code"]
    if tenant is None or code not in tenant.locales:
        raise HTTPException(status_code=404)
    target = safe_next(request.query_params.get("next"), "/")
    response = RedirectResponse(prefixed(request, target), status_code=303)
    remember_chosen_locale(response, request.scope, code)
    session = request.state.session
    if session.user_id is not None:
        session.set("locale", code)
        if session.get(LOCALE_OFFER):
            session.set(LOCALE_OFFER, code)  # the offer to save the language follows the latest choice
    return response
