"""The console's URL map, the same on the operator host and under each tenant's ``/console``."""

from __future__ import annotations

import functools

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.console import (
    admin,
    approvals,
    auth,
    care,
    first_sign_in,
    quarantine,
    recovery_codes,
    satisfaction,
    staff,
    tickets,
    users,
)
from core.console.auth import Handler, staff_required
from core.console.macros import pages as macro_pages
from core.console.saved_views import pages as view_pages
from core.web.redirects import redirect


@staff_required
async def home(request: Request) -> Response:
    """The console's entry: the ticket queue."""
    return redirect(request, "/console/tickets")


def operator_host_only(handler: Handler) -> Handler:
    """Tenant administration lives on the operator host only (a tenant's console answers 404)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        if request.state.tenant is not None:
            raise HTTPException(status_code=404)
        return await handler(request)

    return wrapped


def helpdesk_routes() -> list[BaseRoute]:
    """The helpdesk's mail pages: the inbound quarantine, and customer satisfaction."""
    return [
        Route("/console/quarantine", staff_required(quarantine.quarantine), name="console_quarantine"),
        Route("/console/quarantine/{mail_id:id}.eml", staff_required(quarantine.raw_message)),
        Route("/console/quarantine/{mail_id:id}/attach", staff_required(quarantine.attach), methods=["POST"]),
        Route("/console/quarantine/{mail_id:id}/discard", staff_required(quarantine.discard_mail), methods=["POST"]),
        Route("/console/satisfaction", staff_required(satisfaction.satisfaction), name="console_satisfaction"),
    ]


def helper_routes() -> list[BaseRoute]:
    """The agents' helpers: reply macros (managed by operators) and saved queue views."""
    return [
        Route("/console/macros", staff_required(macro_pages.macro_list, operator=True), name="console_macros"),
        Route("/console/macros/new", staff_required(macro_pages.macro_edit, operator=True), methods=["GET", "POST"]),
        Route(
            "/console/macros/{macro_id:id}",
            staff_required(macro_pages.macro_edit, operator=True),
            methods=["GET", "POST"],
        ),
        Route(
            "/console/macros/{macro_id:id}/delete",
            staff_required(macro_pages.macro_delete, operator=True),
            methods=["POST"],
        ),
        Route("/console/tickets/views", staff_required(view_pages.save_view), methods=["POST"]),
        Route("/console/tickets/views/{view_id:id}/delete", staff_required(view_pages.delete_view), methods=["POST"]),
    ]


def operators_only(handler: Handler) -> Handler:
    """A staff-management page: operators on the operator host (a tenant's console answers 404), agents get 403."""
    return staff_required(operator_host_only(handler), operator=True, agent_status=403)


def staff_routes() -> list[BaseRoute]:
    """Staff management, and a new staff member's way in (the mailed link, the two-step setup)."""
    return [
        Route("/console/staff", operators_only(staff.staff_list), name="console_staff"),
        Route("/console/staff/new", operators_only(staff.staff_new), methods=["GET", "POST"]),
        Route("/console/staff/{staff_id:id}", operators_only(staff.staff_page), methods=["GET", "POST"]),
        Route(
            "/console/password/{token}",
            operator_host_only(first_sign_in.set_password),
            methods=["GET", "POST"],
            name="console_set_password",
        ),
        Route("/console/two-step", first_sign_in.two_step_setup, methods=["GET", "POST"], name="console_two_step"),
        Route(
            "/console/recovery-codes",
            staff_required(recovery_codes.recovery_codes),
            methods=["GET", "POST"],
            name="console_recovery_codes",
        ),
    ]


def console_routes() -> list[BaseRoute]:
    """Every console page."""
    return [
        Route("/console", home, name="console"),
        Route("/console/login", auth.login, methods=["GET", "POST"], name="console_login"),
        Route("/console/logout", auth.logout, methods=["POST"], name="console_logout"),
        Route("/console/tickets", staff_required(tickets.queue), name="console_tickets"),
        Route("/console/tickets/bulk", staff_required(tickets.bulk_assign), methods=["POST"]),
        Route(
            "/console/tickets/{ticket_id:id}",
            staff_required(tickets.ticket_page),
            methods=["GET", "POST"],
            name="console_ticket",
        ),
        Route("/console/tickets/{ticket_id:id}/care/{code}", staff_required(care.run_action), methods=["POST"]),
        Route(
            "/console/tickets/{ticket_id:id}/attachments/{attachment_id:id}",
            staff_required(tickets.attachment),
        ),
        Route("/console/approvals", staff_required(approvals.approvals, operator=True), name="console_approvals"),
        Route(
            "/console/approvals/{approval_id:id}",
            staff_required(approvals.decide_page, operator=True),
            methods=["POST"],
        ),
        Route("/console/users", staff_required(users.users, operator=True), name="console_users"),
        Route(
            "/console/users/{user_id:id}",
            staff_required(users.user_page, operator=True),
            methods=["GET", "POST"],
        ),
        Route("/console/tenants", operator_host_only(staff_required(admin.tenants, operator=True))),
        Route(
            "/console/tenants/new",
            operator_host_only(staff_required(admin.tenant_edit, operator=True)),
            methods=["GET", "POST"],
        ),
        Route(
            "/console/tenants/{slug}",
            operator_host_only(staff_required(admin.tenant_edit, operator=True)),
            methods=["GET", "POST"],
        ),
        Route("/console/imports", staff_required(admin.imports, operator=True), methods=["GET", "POST"]),
        Route("/console/audit", staff_required(admin.audit_log, operator=True)),
        Route("/console/outbox", staff_required(admin.outbox, operator=True)),
        *helpdesk_routes(),
        *helper_routes(),
        *staff_routes(),
    ]
