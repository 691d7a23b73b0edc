"""The public face of the core for plugins: import from here, not from the core's inner modules.

Everything a provider plugin needs — the hook marker, value types it returns from hooks, models it
reads, and helpers for pages, forms, users, tokens, mail and audit — is re-exported here, so the
core can reorganise its rooms without breaking plugins.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from core.approvals.fields import ApprovalField, parse_time
from core.approvals.models import ApprovalRequest, ApprovalStatus
from core.audit.service import client_ip
from core.audit.service import record as audit
from core.commands import make_portal
from core.commands import run as run_command
from core.consent.document import Document as ConsentDocument
from core.console.auth import current_staff, staff_required, visible_tenant_ids
from core.db.base import Base, TenantOwned, utcnow
from core.demo import DemoAccount
from core.headless.contract import ApiCall, ApiError, ApiRoute
from core.hookspecs import hookimpl
from core.i18n import current_locale, gettext, lazy_gettext, ngettext, pgettext, translated, use_locale
from core.i18n.formatting import format_date, format_datetime, format_money, format_number, format_phone
from core.i18n.typography import colon
from core.identity.approval import approve_user, request_approval
from core.identity.confirmation import confirm_email
from core.identity.current import current_membership, current_user, login_required, login_url
from core.identity.events import UserEvent
from core.identity.firing import fire
from core.identity.flows import (
    InvitationLetter,
    activate_user,
    change_email,
    invite_user,
    reject_user,
    restore_membership,
    revoke_sessions,
    send_confirmation,
    send_password_reset,
    set_temporary_password,
    status_on_activation,
    suspend_membership,
    tell_already_registered,
)
from core.identity.forms import EmailAddress, RegistrationForm
from core.identity.invitation import accept_invitation
from core.identity.models import Account, ActionToken, Membership, Role, User, UserStatus
from core.identity.passwords import hash_password, verify_password
from core.identity.policies import (
    AccountUsersPolicy,
    ActivationPolicy,
    PasswordPolicy,
    Permission,
    Rule,
    SessionPolicy,
    UsernamePolicy,
    length_rule,
    regex_rule,
)
from core.identity.registration import ACTIVE_AT_ONCE, answer_known_address, register_user
from core.identity.registration import Outcome as RegistrationOutcome
from core.identity.rules import password_problems, username_problems
from core.identity.signin import complete_login, sign_in
from core.identity.throttle import Bucket, get_throttle
from core.identity.tokens import TokenCheck, TokenProblem, check_token, consume_token, issue_token, revoke_tokens
from core.identity.users import (
    create_user,
    find_user_by_email,
    find_user_by_username,
    get_or_create_account,
    grant_membership,
    normalize_email,
    normalize_username,
    require_permission,
    require_role,
    username_taken,
)
from core.imports import RegistryImporter, RowError, Rows
from core.mail.addresses import is_email_address, normalized_address
from core.mail.service import queue_mail
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.plugins import resolve, resolve_one
from core.portal import Portal, get_portal
from core.privacy.parts import ExportFile, ExportPart
from core.privacy.rules import DeletionRule
from core.row_checks import RowChecks, parse_amount
from core.services import ServiceError, conformance_problems
from core.storage import Storage, StorageError, get_storage
from core.tenancy.models import Tenant
from core.ticketing.care.actions import CareAction, CareContext, CareDone, CareInput, CareRefusedError
from core.ticketing.care.generic import (
    care_change_email,
    care_password_reset,
    care_resend_confirmation,
    care_restore_membership,
    care_temporary_password,
    care_unlock_sign_in,
)
from core.ticketing.categories import TicketCategory, TicketField
from core.ticketing.models import Ticket
from core.ticketing.service import open_ticket
from core.web.flow import flash, tenant_db
from core.web.forms import PortiqueForm, WholeNumberField
from core.web.ids import ID_MAX, is_digits, parse_id, parse_int
from core.web.nav import NavItem, Widget
from core.web.paging import IdPage, PageBound
from core.web.redirects import redirect, redirect_to, safe_next
from core.web.rendering import page_path, page_url, prefixed, render, url_for
from core.web.routing import RootRoute

T = TypeVar("T")


def service(tenant: Tenant, protocol: type[T]) -> T:
    """The tenant's implementation of ``protocol``, registered by a plugin through ``portique_services``.

    :raises ServiceError: when no plugin enabled on the tenant implements it.
    """
    return get_portal().plugins.services(tenant).get(protocol)


M = TypeVar("M", bound=BaseModel)


def plugin_settings(tenant: Tenant, model: type[M]) -> M:
    """A plugin's settings on ``tenant``, typed: ``plugin_settings(tenant, LumenSettings)``.

    ``model`` is the plugin's ``PluginInfo.settings_model``; missing keys take its defaults. Cached
    until the tenant changes: read it, do not change it.
    """
    return get_portal().plugins.plugin_settings(tenant, model)


__all__ = [
    "ACTIVE_AT_ONCE",
    "ID_MAX",
    "Account",
    "AccountUsersPolicy",
    "ActionToken",
    "ActivationPolicy",
    "ApiCall",
    "ApiError",
    "ApiRoute",
    "ApprovalField",
    "ApprovalRequest",
    "ApprovalStatus",
    "Base",
    "Bucket",
    "CareAction",
    "CareContext",
    "CareDone",
    "CareInput",
    "CareRefusedError",
    "ConsentDocument",
    "DeletionRule",
    "DemoAccount",
    "EmailAddress",
    "ExportFile",
    "ExportPart",
    "IdPage",
    "InvitationLetter",
    "Membership",
    "NavItem",
    "PageBound",
    "PasswordPolicy",
    "PeriodicJob",
    "Permission",
    "PluginInfo",
    "Portal",
    "PortiqueForm",
    "RegistrationForm",
    "RegistrationOutcome",
    "RegistryImporter",
    "Role",
    "RootRoute",
    "RowChecks",
    "RowError",
    "Rows",
    "Rule",
    "ServiceError",
    "SessionPolicy",
    "Storage",
    "StorageError",
    "Tenant",
    "TenantOwned",
    "Ticket",
    "TicketCategory",
    "TicketField",
    "TokenCheck",
    "TokenProblem",
    "User",
    "UserEvent",
    "UserStatus",
    "UsernamePolicy",
    "WholeNumberField",
    "Widget",
    "accept_invitation",
    "activate_user",
    "answer_known_address",
    "approve_user",
    "audit",
    "care_change_email",
    "care_password_reset",
    "care_resend_confirmation",
    "care_restore_membership",
    "care_temporary_password",
    "care_unlock_sign_in",
    "change_email",
    "check_token",
    "client_ip",
    "colon",
    "complete_login",
    "confirm_email",
    "conformance_problems",
    "consume_token",
    "create_user",
    "current_locale",
    "current_membership",
    "current_staff",
    "current_user",
    "find_user_by_email",
    "find_user_by_username",
    "fire",
    "flash",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "format_phone",
    "get_or_create_account",
    "get_portal",
    "get_storage",
    "get_throttle",
    "gettext",
    "grant_membership",
    "hash_password",
    "hookimpl",
    "invite_user",
    "is_digits",
    "is_email_address",
    "issue_token",
    "lazy_gettext",
    "length_rule",
    "login_required",
    "login_url",
    "make_portal",
    "ngettext",
    "normalize_email",
    "normalize_username",
    "normalized_address",
    "open_ticket",
    "page_path",
    "page_url",
    "parse_amount",
    "parse_id",
    "parse_int",
    "parse_time",
    "password_problems",
    "pgettext",
    "plugin_settings",
    "prefixed",
    "queue_mail",
    "redirect",
    "redirect_to",
    "regex_rule",
    "register_user",
    "reject_user",
    "render",
    "request_approval",
    "require_permission",
    "require_role",
    "resolve",
    "resolve_one",
    "restore_membership",
    "revoke_sessions",
    "revoke_tokens",
    "run_command",
    "safe_next",
    "send_confirmation",
    "send_password_reset",
    "service",
    "set_temporary_password",
    "sign_in",
    "staff_required",
    "status_on_activation",
    "suspend_membership",
    "tell_already_registered",
    "tenant_db",
    "translated",
    "url_for",
    "use_locale",
    "username_problems",
    "username_taken",
    "utcnow",
    "verify_password",
    "visible_tenant_ids",
]
