"""``POST /console/tickets/{id}/care/{code}``: an agent runs a care action on the requester's account.

The ticket must be of a tenant the agent works on (404 otherwise, as for the ticket page) and the
action offered on it; the run is audited and noted in the thread by :mod:`core.ticketing.care.service`.
A secret the action hands over (a temporary password) is shown once on its own page, never stored.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from core.console.tickets import load_ticket
from core.i18n import gettext as _
from core.portal import get_portal
from core.staff.models import Staff
from core.ticketing.care.actions import CareRefusedError
from core.ticketing.care.service import offered_actions, run_care_action
from core.ticketing.models import Ticket
from core.web.flow import flash
from core.web.redirects import redirect
from core.web.rendering import render


async def run_action(request: Request) -> Response:
    """Run the action named in the path with the typed values; back to the ticket with what was done."""
    staff: Staff = request.state.staff
    tenant, found = await load_ticket(request, int(request.path_params["ticket_id"]))
    code = str(request.path_params["code"])
    form = await request.form()
    back = f"/console/tickets/{found.id}"
    action = next((a for a in offered_actions(tenant, found) if a.code == code), None)
    names = [field.name for field in action.inputs] if action is not None else []
    values = {name: str(form.get(name) or "") for name in names}
    async with get_portal().database.session(tenant.id) as db:
        ticket = await db.get(Ticket, found.id)
        if ticket is None:
            return redirect(request, back)
        try:
            done = await run_care_action(db, tenant, ticket, staff, code, values, request=request)
        except CareRefusedError as refused:
            await db.rollback()
            flash(request, str(refused), "error")
            return redirect(request, back)
        await db.commit()
    if done.shown_once:
        return await render(
            request,
            "console/care_secret.html",
            {"ticket": ticket, "done": done},
            headers={"Cache-Control": "no-store"},
        )
    flash(request, _("Done: %(done)s", done=done.note), "success")
    return redirect(request, back)
