"""The passkeys default plugin: customers' passkey pages and sign-in, staff's in the console.

The pages load on their first request: webauthn (with cbor2 and cryptography's bindings) stays out of
the web workers until a passkey request arrives.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from core.console.auth import Handler, staff_required
from core.hookspecs import hookimpl
from core.passkeys import models as _models  # noqa: F401 - registers the tables
from core.plugin_info import PluginInfo
from core.staff.passkey_rule import StaffPasskeySettings
from core.web.lazy import lazy_endpoint

POST = ["POST"]


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="passkeys", version="0.1.0", title="Passkeys", default=True, settings_model=StaffPasskeySettings
    )


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/profile/passkeys", _customer("passkeys_page"), name="passkeys"),
        Route("/profile/passkeys/options", _customer("registration_start"), methods=POST),
        Route("/profile/passkeys/add", _customer("registration_finish"), methods=POST),
        Route("/profile/passkeys/{passkey_id:id}/rename", _customer("rename"), methods=POST),
        Route("/profile/passkeys/{passkey_id:id}/remove", _customer("remove"), methods=["GET", "POST"]),
        Route("/login/passkey/options", _customer("sign_in_start"), methods=POST),
        Route("/login/passkey", _customer("sign_in_finish"), methods=POST, name="passkeys_sign_in"),
        *_console_routes(),
    ]


@hookimpl
def portique_operator_routes() -> list[BaseRoute]:
    return _console_routes()


def _console_routes() -> list[BaseRoute]:
    """A staff member's own passkeys, and the console's passkey sign-in (operator host and tenants)."""
    return [
        Route("/console/passkeys", _own("passkeys_page"), name="console_passkeys"),
        Route("/console/passkeys/options", _own("registration_start"), methods=POST),
        Route("/console/passkeys/add", _own("registration_finish"), methods=POST),
        Route("/console/passkeys/{passkey_id:id}/rename", _own("rename"), methods=POST),
        Route("/console/passkeys/{passkey_id:id}/remove", _own("remove"), methods=["GET", "POST"]),
        Route("/console/login/passkey/options", _staff("sign_in_start"), methods=POST),
        Route("/console/login/passkey", _staff("sign_in_finish"), methods=POST),
    ]


def _customer(name: str) -> Handler:
    """A page of :mod:`core.passkeys.customer_pages`, imported on its first request."""
    return lazy_endpoint(f"core.passkeys.customer_pages:{name}")


def _staff(name: str) -> Handler:
    """A page of :mod:`core.passkeys.staff_pages`, imported on its first request."""
    return lazy_endpoint(f"core.passkeys.staff_pages:{name}")


def _own(name: str) -> Handler:
    return staff_required(_staff(name), passkey_page=True)
