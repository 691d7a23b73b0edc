"""The saved views' POST handlers: save the queue's current filters under a name, delete an own view."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.console.saved_views.filters import query_of, view_filters
from core.console.saved_views.forms import SaveViewForm
from core.console.saved_views.service import delete_view as remove_view
from core.console.saved_views.service import own_view
from core.console.saved_views.service import save_view as store_view
from core.console.tickets import queue_page
from core.i18n import gettext as _
from core.portal import get_portal
from core.staff.models import Staff
from core.web.flow import flash
from core.web.redirects import redirect


async def save_view(request: Request) -> Response:
    """Save the filters sent along (the queue's current ones); a problem re-renders the queue with it."""
    staff: Staff = request.state.staff
    data = await request.form()
    filters = view_filters(data, request.state.staff_tenants)
    form = await SaveViewForm.from_request(request)
    if not form.validate():
        return await queue_page(request, filters, view_form=form)
    async with get_portal().database.session() as db:
        await store_view(db, staff, form.name.data.strip(), filters, shared=bool(form.shared.data), request=request)
        await db.commit()
    flash(request, _("View saved."), "success")
    query = query_of(filters)
    return redirect(request, "/console/tickets" + (f"?{query}" if query else ""))


async def delete_view(request: Request) -> Response:
    """Delete one of the staff member's own views (another's answers 404)."""
    staff: Staff = request.state.staff
    async with get_portal().database.session() as db:
        view = await own_view(db, staff, request.path_params["view_id"])
        if view is None:
            raise HTTPException(status_code=404)
        await remove_view(db, staff, view, request)
        await db.commit()
    flash(request, _("View deleted."), "success")
    return redirect(request, "/console/tickets")
