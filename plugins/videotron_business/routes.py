"""Every page of the Vidéotron Business customer space, with its name.

Visitors: ``/videotron/activation`` (ask for the activation e-mail), ``/videotron/activate/{token}``
(register from it), ``/register`` (register without it), ``/videotron/confirm/{token}``.
Holder: ``/videotron/users`` (user management). Secondary users: ``/videotron/invitation/{token}``.
Staff: ``/console/videotron/activation``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from core.api import RootRoute, staff_required
from plugins.videotron_business import activation, invitation, registration, users


def routes() -> list[BaseRoute]:
    """Every page of the plugin (``/register`` replaces the core's registration page on this tenant)."""
    return [
        RootRoute(
            "/console/videotron/activation",
            staff_required(activation.console_activation),
            methods=["GET", "POST"],
            name="videotron_console_activation",
        ),
        RootRoute("/register", registration.register, methods=["GET", "POST"], name="videotron_register"),
        Route(
            "/activation",
            activation.activation_request,
            methods=["GET", "POST"],
            name="videotron_activation_request",
        ),
        Route("/activation/sent", activation.activation_sent, name="videotron_activation_sent"),
        Route("/activate/{token}", activation.activate, methods=["GET", "POST"], name="videotron_activate"),
        Route("/registered", registration.registered, name="videotron_registered"),
        Route("/confirm/{token}", activation.confirm, methods=["GET", "POST"], name="videotron_confirm"),
        Route("/username/check", registration.username_check, name="videotron_username_check"),
        RootRoute("/account/users", users.account_users, name="videotron_account_users"),
        Route("/users", users.users, name="videotron_users"),
        Route("/users/add", users.users_add, methods=["POST"], name="videotron_users_add"),
        Route("/users/{entry:id}/invite", users.users_invite, methods=["POST"], name="videotron_users_invite"),
        Route("/users/{entry:id}/suspend", users.users_suspend, methods=["POST"], name="videotron_users_suspend"),
        Route("/users/{entry:id}/remove", users.users_remove, methods=["POST"], name="videotron_users_remove"),
        Route("/invitation/{token}", invitation.invitation, methods=["GET", "POST"], name="videotron_invitation"),
    ]
