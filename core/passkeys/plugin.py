"""The passkeys default plugin: customers' passkey pages and sign-in, staff's in the console."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from core.console.auth import Handler, staff_required
from core.hookspecs import hookimpl
from core.passkeys import customer_pages, staff_pages
from core.passkeys import models as _models  # noqa: F401 - registers the tables
from core.plugin_info import PluginInfo
from core.staff.passkey_rule import StaffPasskeySettings

POST = ["POST"]


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="passkeys", version="0.1.0", title="Passkeys", default=True, settings_model=StaffPasskeySettings
    )


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/profile/passkeys", customer_pages.passkeys_page, name="passkeys"),
        Route("/profile/passkeys/options", customer_pages.registration_start, methods=POST),
        Route("/profile/passkeys/add", customer_pages.registration_finish, methods=POST),
        Route("/profile/passkeys/{passkey_id:id}/rename", customer_pages.rename, methods=POST),
        Route("/profile/passkeys/{passkey_id:id}/remove", customer_pages.remove, methods=["GET", "POST"]),
        Route("/login/passkey/options", customer_pages.sign_in_start, methods=POST),
        Route("/login/passkey", customer_pages.sign_in_finish, methods=POST, name="passkeys_sign_in"),
        *_console_routes(),
    ]


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    return _console_routes()


def _console_routes() -> list[BaseRoute]:
    """A staff member's own passkeys, and the console's passkey sign-in (operator host and tenants)."""
    return [
        Route("/console/passkeys", _own(staff_pages.passkeys_page), name="console_passkeys"),
        Route("/console/passkeys/options", _own(staff_pages.registration_start), methods=POST),
        Route("/console/passkeys/add", _own(staff_pages.registration_finish), methods=POST),
        Route("/console/passkeys/{passkey_id:id}/rename", _own(staff_pages.rename), methods=POST),
        Route("/console/passkeys/{passkey_id:id}/remove", _own(staff_pages.remove), methods=["GET", "POST"]),
        Route("/console/login/passkey/options", staff_pages.sign_in_start, methods=POST),
        Route("/console/login/passkey", staff_pages.sign_in_finish, methods=POST),
    ]


def _own(handler: Handler) -> Handler:
    return staff_required(handler, passkey_page=True)
