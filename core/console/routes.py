"""The console's URL map, the same on the operator host and under each tenant's ``/console``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.console import approvals, auth, tickets
from core.console.auth import staff_required
from core.web.redirects import redirect


@staff_required
async def home(request: Request) -> Response:
    """The console's entry: the ticket queue."""
    return redirect(request, "/console/tickets")


def console_routes() -> list[BaseRoute]:
    """Every console page."""
    return [
        Route("/console", home, name="console"),
        Route("/console/login", auth.login, methods=["GET", "POST"], name="console_login"),
        Route("/console/logout", auth.logout, methods=["POST"], name="console_logout"),
        Route("/console/tickets", staff_required(tickets.queue), name="console_tickets"),
        Route("/console/tickets/bulk", staff_required(tickets.bulk_assign), methods=["POST"]),
        Route(
            "/console/tickets/{ticket_id:int}",
            staff_required(tickets.ticket_page),
            methods=["GET", "POST"],
            name="console_ticket",
        ),
        Route(
            "/console/tickets/{ticket_id:int}/attachments/{attachment_id:int}",
            staff_required(tickets.attachment),
        ),
        Route("/console/approvals", staff_required(approvals.approvals, operator=True), name="console_approvals"),
        Route(
            "/console/approvals/{approval_id:int}",
            staff_required(approvals.decide_page, operator=True),
            methods=["POST"],
        ),
    ]
