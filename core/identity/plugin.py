"""The identity default plugin: registers the core's identity component through the plugin contract."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from core.approvals.fields import ApprovalField, payload_fields
from core.approvals.models import ApprovalRequest
from core.consent.page import consent_page
from core.hookspecs import hookimpl
from core.i18n import gettext as _
from core.i18n import lazy_gettext
from core.identity import account, pages, profile, recovery_pages
from core.identity import models as _models  # noqa: F401 - registers the tables
from core.identity.approval import apply_decision
from core.identity.cleanup import purge_expired
from core.identity.current import signed_in_only
from core.identity.models import User
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.tenancy.models import Tenant
from core.web.nav import NavItem, Widget

GET_POST = ["GET", "POST"]


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="identity", version="0.1.0", title="Identity", default=True)


@hookimpl
def portique_stylesheets() -> list[str]:
    return ["/static/plugins/identity/identity.css"]


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/login", pages.login, methods=GET_POST, name="login"),
        Route("/login/code", profile.login_code, methods=GET_POST, name="login_code"),
        Route("/login/recovery", recovery_pages.login_recovery, methods=GET_POST, name="login_recovery"),
        Route("/logout", pages.logout, methods=["POST"], name="logout"),
        Route("/register", pages.register, methods=GET_POST, name="register"),
        Route("/register/done", pages.register_done, name="register_done"),
        Route("/username/check", pages.username_check, name="username_check"),
        Route("/confirm/resend", pages.confirm_resend, methods=GET_POST, name="confirm_resend"),
        Route("/confirm/{token}", pages.confirm, name="confirm"),
        Route("/password/forgot", pages.forgot, methods=GET_POST, name="password_forgot"),
        Route("/password/forgot/sent", pages.forgot_sent, name="password_forgot_sent"),
        Route("/password/reset/{token}", pages.reset, methods=GET_POST, name="password_reset"),
        Route("/invitation/{token}", pages.invitation, methods=GET_POST, name="invitation"),
        Route("/consent", signed_in_only(consent_page), methods=GET_POST, name="consent"),
        Route("/profile", profile.profile, methods=GET_POST, name="profile"),
        Route("/profile/locale", profile.save_locale, methods=["POST"], name="profile_locale"),
        Route("/profile/password", profile.change_password, methods=GET_POST, name="profile_password"),
        Route("/profile/email", profile.change_email, methods=GET_POST, name="profile_email"),
        Route("/profile/email/{token}", profile.confirm_email_change, name="profile_email_confirm"),
        Route("/profile/sessions", profile.sessions, methods=GET_POST, name="profile_sessions"),
        Route("/profile/totp", profile.totp_setup, methods=GET_POST, name="profile_totp"),
        Route("/profile/recovery-codes", recovery_pages.show_codes, methods=GET_POST, name="profile_recovery_codes"),
        Route("/account/users", account.account_users, methods=GET_POST, name="account_users"),
        Route("/account/users/{membership_id:id}/permissions", account.member_permissions, methods=["POST"]),
        Route("/account/users/{membership_id:id}/remove", account.member_remove, methods=["POST"]),
    ]


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    if user is None:
        return []
    return [NavItem(label=_("My profile"), path="/profile", order=900)]


async def _access_widget(request: Request) -> dict[str, Any]:
    return {"manages_users": await account.managed_membership(request) is not None}


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    return [Widget(template="identity/widgets/access.html", load=_access_widget, order=900)]


@hookimpl
def portique_approval_fields(tenant: Tenant, approval: ApprovalRequest) -> list[ApprovalField] | None:
    if approval.kind != "user_activation":
        return None
    labels: dict[str, object] = {
        "email": lazy_gettext("E-mail address"),
        "first_name": lazy_gettext("First name"),
        "last_name": lazy_gettext("Last name"),
        "username": lazy_gettext("Username"),
        "phone": lazy_gettext("Phone"),
        "company": lazy_gettext("Company"),
    }
    return payload_fields(approval.payload, labels)


@hookimpl
async def portique_approval_decided(tenant: Tenant, approval: ApprovalRequest, db: AsyncSession) -> None:
    await apply_decision(db, tenant, approval)


@hookimpl
def portique_periodic_jobs() -> list[PeriodicJob]:
    return [PeriodicJob("identity.purge_expired", timedelta(minutes=10), purge_expired)]
