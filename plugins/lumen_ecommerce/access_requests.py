"""Access requests: checking them against the registry, keeping the evidence, filing the approval,
and provisioning the account, its administrator and its users (usernames, memberships, mails)."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.api import (
    ACTIVE_AT_ONCE,
    Account,
    ApprovalField,
    ApprovalRequest,
    ApprovalStatus,
    Membership,
    Role,
    Tenant,
    User,
    UserStatus,
    activate_user,
    audit,
    change_email,
    client_ip,
    create_user,
    current_locale,
    find_user_by_email,
    format_phone,
    get_or_create_account,
    get_portal,
    gettext,
    grant_membership,
    lazy_gettext,
    normalize_email,
    parse_time,
    plugin_settings,
    queue_mail,
    register_user,
    service,
    username_taken,
    utcnow,
)
from plugins.lumen_ecommerce.backend import CustomerRegistry, normalize_customer_number
from plugins.lumen_ecommerce.evidence import TERMS, content_hash, render_pdf
from plugins.lumen_ecommerce.forms import (
    ACTIONS,
    PLATFORMS,
    USER_PERMISSIONS,
    YES_NO,
    AccessRequestForm,
    add_error,
    normalize_phone,
    normalize_postal_code,
)
from plugins.lumen_ecommerce.models import LumenAccessRequest, RequestAction, RequestStatus
from plugins.lumen_ecommerce.settings import NAME, LumenSettings

log = logging.getLogger("portique.lumen")

PERM_ORDER = "lumen.order"
PERM_ORDER_APPROVAL = "lumen.order_for_approval"
PERM_PRICES = "lumen.prices_only"
PERMISSION_OF_CHOICE = {"order": PERM_ORDER, "approval": PERM_ORDER_APPROVAL, "prices": PERM_PRICES}
ADMIN_ROLES = (Role.HOLDER, Role.ADMIN)
CHANGES = (RequestAction.ADD, RequestAction.MODIFY, RequestAction.REMOVE)
"""The actions on an existing e-commerce account, signed by its administrator."""
USERNAME_MAX = 20


def _ascii_slug(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode("ascii").lower())


async def make_username(db: AsyncSession, first_name: str, last_name: str) -> str:
    """The username scheme: first initial + last name, lower-case ASCII, at most 20 characters,
    then 2, 3… when taken on the tenant (``Émilie Côté`` → ``ecote``, then ``ecote2``)."""
    base = (_ascii_slug(first_name)[:1] + _ascii_slug(last_name))[:USERNAME_MAX] or "user"
    if len(base) < 3:
        base = (base + "user")[:USERNAME_MAX]
    candidate, suffix = base, 1
    while await username_taken(db, candidate):
        suffix += 1
        candidate = f"{base[: USERNAME_MAX - len(str(suffix))]}{suffix}"
    return candidate


async def admin_membership_of(db: AsyncSession, number: str, email: str) -> Membership | None:
    """The administrator membership of ``email`` on the account with this customer number."""
    row = await db.scalar(
        select(Membership)
        .join(Account, Account.id == Membership.account_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Account.number == number,
            User.email_normalized == normalize_email(email),
            Membership.role.in_([str(r) for r in ADMIN_ROLES]),
            Membership.suspended.is_(False),
        )
    )
    return row


async def member_emails(db: AsyncSession, number: str) -> set[str]:
    """Normalised e-mails of the users of the account with this customer number."""
    return set(await member_roles(db, number))


async def member_roles(db: AsyncSession, number: str) -> dict[str, str]:
    """The role of each user (by normalised e-mail) of the account with this customer number."""
    rows = await db.execute(
        select(User.email_normalized, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .join(Account, Account.id == Membership.account_id)
        .where(Account.number == number)
    )
    return {str(email): str(role) for email, role in rows.all()}


async def check_request(
    form: AccessRequestForm, db: AsyncSession, tenant: Tenant, registry: CustomerRegistry
) -> dict[str, Any]:
    """Check the request against the registry and the form's rules; errors go next to the fields.

    :return: normalised values (customer number, postal code, phone).
    """
    clean: dict[str, Any] = {}
    action = form.action.data
    number = normalize_customer_number(form.customer_number.data or "")
    clean["customer_number"] = number
    _check_answers(form)
    if form.customer_number.data and not form.customer_number.errors:
        clean.update(await _check_customer_number(form, db, registry, number))
    clean.update(_check_contact(form))
    _check_users(form, action)
    if clean.get("has_ecommerce") and action in CHANGES:
        await _check_changes(form, db, number, action)
    return clean


def _check_answers(form: AccessRequestForm) -> None:
    """The yes/no prerequisites (an active account, signed by its administrator) and the platforms."""
    if form.has_account.data == "no":
        add_error(
            form.has_account,
            lazy_gettext(
                "An e-commerce account requires an active Lumen customer account. Contact your Lumen branch "
                "to open one, then come back with your customer number."
            ),
        )
    if not form.platforms.data:
        add_error(form.platforms, lazy_gettext("Choose at least one platform."))
    elif any(value not in dict(PLATFORMS) for value in form.platforms.data):
        add_error(form.platforms, lazy_gettext("Choose among the platforms listed."))
    if form.is_admin.data == "no":
        add_error(
            form.is_admin,
            lazy_gettext("Only the account administrator may sign this request. Ask your administrator to fill it in."),
        )


def _check_contact(form: AccessRequestForm) -> dict[str, str]:
    """The postal code and phone number, normalised; errors next to the fields."""
    clean: dict[str, str] = {}
    if form.postal_code.data and not form.postal_code.errors:
        postal = normalize_postal_code(form.postal_code.data)
        if postal is None:
            add_error(form.postal_code, lazy_gettext("Enter a Canadian postal code, like H2X 1Y4."))
        else:
            clean["postal_code"] = postal
            form.postal_code.data = postal
    if form.phone.data and not form.phone.errors:
        phone = normalize_phone(form.phone.data)
        if phone is None:
            add_error(form.phone, lazy_gettext("Enter a valid Canadian phone number, like 514 555-0123."))
        else:
            clean["phone"] = phone
    return clean


async def _check_changes(form: AccessRequestForm, db: AsyncSession, number: str, action: str) -> None:
    """A change to an existing e-commerce account: signed by its administrator, about people it has (or not)."""
    if (
        form.admin_email.data
        and not form.admin_email.errors
        and await admin_membership_of(db, number, form.admin_email.data) is None
    ):
        add_error(
            form.admin_email,
            lazy_gettext(
                "Adding, modifying or removing users must be signed by the account administrator: enter the "
                "administrator's e-mail address registered for this account."
            ),
        )
    if action == RequestAction.MODIFY:
        await _check_modifications(form, db, number)
        return
    members = await member_emails(db, number)
    administrator = normalize_email(form.admin_email.data or "")
    for block in form.filled_users():
        email = normalize_email(block.email.data or "")
        if not email or block.email.errors:
            continue
        if action == RequestAction.ADD and email in members:
            add_error(
                block.email,
                lazy_gettext(
                    "This person is already a user of this account. To change what they may do, choose "
                    "“Modify one or more users”."
                ),
            )
        if action == RequestAction.REMOVE and email not in members:
            add_error(block.email, lazy_gettext("This person is not a user of this account."))
        if action == RequestAction.REMOVE and email == administrator:
            add_error(block.email, lazy_gettext("The administrator cannot remove themselves."))


async def _check_customer_number(
    form: AccessRequestForm, db: AsyncSession, registry: CustomerRegistry, number: str
) -> dict[str, Any]:
    """The customer number is known, active, and equipped or not as the request's action needs.

    :return: what the registry says of an active number (``customer_active``, ``has_ecommerce``).
    """
    record = await registry.lookup(db, number)
    if record is None:
        add_error(
            form.customer_number,
            lazy_gettext("We do not know this customer number. Check it on your invoice or statement."),
        )
        return {}
    if not record.active:
        add_error(
            form.customer_number,
            lazy_gettext(
                "This customer account is not active. Contact your Lumen branch to reactivate it before "
                "requesting e-commerce access."
            ),
        )
        return {}
    exists = await registry.has_ecommerce_account(db, number)
    action = form.action.data
    if action == RequestAction.CREATE and exists:
        add_error(
            form.customer_number,
            lazy_gettext(
                "This customer number already has an e-commerce account. To add users, choose "
                "“Add one or more users”: the account administrator must sign the form."
            ),
        )
    if action in CHANGES and not exists:
        add_error(
            form.customer_number,
            lazy_gettext("This customer number has no e-commerce account yet. Choose “Create an e-commerce account”."),
        )
    return {"customer_active": True, "has_ecommerce": exists}


def modified_email(block: Any) -> str:
    """The address a modification block designates the user by: the current one, else the (unchanged) e-mail."""
    return normalize_email(block.current_email.data or "") or normalize_email(block.email.data or "")


async def _check_modifications(form: AccessRequestForm, db: AsyncSession, number: str) -> None:
    """Each block of a modification names a member of the account (not its holder); a new address is free."""
    roles = await member_roles(db, number)
    targets: set[str] = set()
    for block in form.filled_users():
        if block.email.errors or block.current_email.errors:
            continue
        target = modified_email(block)
        field = block.current_email if (block.current_email.data or "").strip() else block.email
        if not target:
            continue
        if target in targets:
            add_error(field, lazy_gettext("This user is already modified by another block of this form."))
        targets.add(target)
        if target not in roles:
            add_error(field, lazy_gettext("This person is not a user of this account."))
            continue
        if roles[target] == Role.HOLDER:
            add_error(
                field,
                lazy_gettext("The account administrator's access cannot be modified with this form. Contact Lumen."),
            )
            continue
        new_email = normalize_email(block.email.data or "")
        if new_email and new_email != target and await find_user_by_email(db, new_email) is not None:
            add_error(block.email, lazy_gettext("Another user already has this e-mail address. Enter another one."))


def _check_users(form: AccessRequestForm, action: str) -> None:
    """User blocks: count matches, each filled block is complete, e-mails are distinct."""
    blocks = form.filled_users()
    count = form.user_count.data
    if count is not None and not form.user_count.errors and count != len(blocks):
        add_error(
            form.user_count,
            lazy_gettext(
                "The number of users (%(count)s) does not match the user blocks filled in (%(blocks)s). "
                "Correct the number of users or the user blocks.",
                count=count,
                blocks=len(blocks),
            ),
        )
    if not blocks:
        first = form.users.entries[0].form
        add_error(first.first_name, lazy_gettext("Enter at least one user."))
        return
    seen: set[str] = set()
    email_message = lazy_gettext("Enter a valid e-mail address, like name@company.ca.")
    for block in blocks:
        for field in (block.first_name, block.last_name, block.email):
            if not (field.data or "").strip():
                add_error(field, lazy_gettext("This field is required."))
        email = normalize_email(block.email.data or "")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            add_error(block.email, email_message)
        elif email in seen:
            add_error(block.email, lazy_gettext("This e-mail address is already used for another user of this form."))
        seen.add(email)
        if action != RequestAction.REMOVE and block.permission.data not in dict(USER_PERMISSIONS):
            add_error(block.permission, lazy_gettext("Choose what this user is authorised to do."))
    if (
        action == RequestAction.CREATE
        and form.admin_email.data
        and normalize_email(blocks[0].email.data or "") != normalize_email(form.admin_email.data)
    ):
        add_error(
            blocks[0].email,
            lazy_gettext("For a new account, user 1 is the administrator: enter the administrator's e-mail address."),
        )


def _label(choices: list[tuple[str, Any]], value: Any) -> str:
    return str(dict(choices).get(value, value or ""))


def form_content(form: AccessRequestForm, clean: dict[str, Any]) -> dict[str, Any]:
    """The exact content of the signed form, with the labels the signer read (their language)."""
    action = form.action.data
    users = []
    for block in form.filled_users():
        entry = {
            "first_name": (block.first_name.data or "").strip(),
            "last_name": (block.last_name.data or "").strip(),
            "email": (block.email.data or "").strip(),
        }
        if action == RequestAction.MODIFY:
            entry["current_email"] = (block.current_email.data or "").strip() or entry["email"]
        if action != RequestAction.REMOVE:
            entry["permission"] = block.permission.data
            entry["permission_label"] = _label(USER_PERMISSIONS, block.permission.data)
        users.append(entry)
    return {
        "has_account": form.has_account.data,
        "has_account_label": _label(YES_NO, form.has_account.data),
        "customer_number": clean["customer_number"],
        "platforms": list(form.platforms.data or []),
        "platforms_label": ", ".join(_label(PLATFORMS, p) for p in form.platforms.data or []),
        "action": action,
        "action_label": _label(ACTIONS, action),
        "project_account": form.project_account.data,
        "project_account_label": _label(YES_NO, form.project_account.data),
        "is_admin": form.is_admin.data,
        "is_admin_label": _label(YES_NO, form.is_admin.data),
        "company": (form.company.data or "").strip(),
        "address": (form.address.data or "").strip(),
        "city": (form.city.data or "").strip(),
        "postal_code": clean["postal_code"],
        "phone": clean["phone"],
        "phone_label": format_phone(clean["phone"]),
        "admin_first_name": (form.admin_first_name.data or "").strip(),
        "admin_last_name": (form.admin_last_name.data or "").strip(),
        "admin_email": (form.admin_email.data or "").strip(),
        "user_count": form.user_count.data,
        "users": users,
        "terms": str(TERMS),
        "locale": current_locale(),
    }


def field_labels(form: AccessRequestForm) -> dict[str, str]:
    """The form's labels in the active language, for the PDF."""
    return {field.name: str(field.label.text) for field in form if field.name != "users"}


async def store_request(
    db: AsyncSession,
    tenant: Tenant,
    form: AccessRequestForm,
    clean: dict[str, Any],
    request: Request,
    *,
    signature_png: bytes | None,
    signature_typed: str,
    submitted_by: User | None,
) -> LumenAccessRequest:
    """Keep the signed request with its evidence and PDF (the caller commits)."""
    content = form_content(form, clean)
    row = LumenAccessRequest(
        reference="",
        action=content["action"],
        customer_number=content["customer_number"],
        company=content["company"],
        content=content,
        content_hash="",
        signature_png=signature_png,
        signature_typed=signature_typed,
        signer_name=f"{content['admin_first_name']} {content['admin_last_name']}".strip(),
        signer_email=content["admin_email"],
        signed_at=utcnow(),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", "")[:300],
        locale=current_locale(),
        submitted_by=submitted_by.id if submitted_by else None,
    )
    db.add(row)
    await db.flush()
    row.reference = f"DA-{row.id:06d}"
    row.content_hash = content_hash(row)
    row.pdf = render_pdf(row, field_labels(form), tenant.timezone)
    audit(
        db,
        "lumen.access_request.signed",
        request=request,
        actor_type="user" if submitted_by else "anonymous",
        actor_id=submitted_by.id if submitted_by else None,
        subject_type="lumen_access_request",
        subject_id=row.id,
        request_action=row.action,
        customer_number=row.customer_number,
        content_hash=row.content_hash,
    )
    return row


def _user_summary(entry: dict[str, Any]) -> str:
    """One user of a request for the approval card: name, e-mail (current → new), permission."""
    email = entry.get("email", "")
    current = entry.get("current_email", "")
    if current and normalize_email(current) != normalize_email(email):
        email = f"{current} → {email}"
    text = f"{entry.get('first_name', '')} {entry.get('last_name', '')} <{email}>"
    return text + (f" ({entry['permission_label']})" if entry.get("permission_label") else "")


def _payload(tenant: Tenant, row: LumenAccessRequest) -> dict[str, Any]:
    content = row.content
    return {
        "request_id": row.id,
        "reference": row.reference,
        "action": row.action,
        "customer_number": row.customer_number,
        "company": row.company,
        "signer": f"{row.signer_name} <{row.signer_email}>",
        "signed_at": row.signed_at.isoformat(),
        "ip": row.ip,
        "users": "; ".join(_user_summary(u) for u in content["users"]),
        "content_hash": row.content_hash,
        "pdf_url": get_portal().settings.public_url.rstrip("/") + f"/lumen/requests/{tenant.slug}/{row.id}/pdf",
    }


def approval_fields(approval: ApprovalRequest) -> list[ApprovalField]:
    """The approval card of a signed request: labelled fields, the signing time, a link to the PDF."""
    payload = approval.payload or {}
    return [
        ApprovalField(lazy_gettext("Reference"), payload.get("reference", ""), "code"),
        ApprovalField(lazy_gettext("What do you want to do?"), _label(ACTIONS, payload.get("action"))),
        ApprovalField(lazy_gettext("Lumen account number"), payload.get("customer_number", ""), "code"),
        ApprovalField(lazy_gettext("Company name"), payload.get("company", "")),
        ApprovalField(lazy_gettext("Signed by"), payload.get("signer", "")),
        ApprovalField(lazy_gettext("Signed on"), parse_time(payload.get("signed_at")), "datetime"),
        ApprovalField(lazy_gettext("IP address"), payload.get("ip") or "-", "code"),
        ApprovalField(lazy_gettext("Users"), payload.get("users", "")),
        ApprovalField(lazy_gettext("Content fingerprint (SHA-256)"), payload.get("content_hash", ""), "code"),
        ApprovalField(
            lazy_gettext("Evidence"),
            payload.get("pdf_url", ""),
            "link",
            link_text=lazy_gettext("Signed request %(ref)s (PDF)", ref=payload.get("reference", "")),
        ),
    ]


async def file_request(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest) -> ApprovalRequest:
    """Send the request to the console's approvals queue, or provision it at once when the tenant allows."""
    action_label = _label(ACTIONS, row.action)
    approval = ApprovalRequest(
        plugin=NAME,
        kind="access_request",
        title=f"{row.reference} · {action_label} · {row.customer_number} {row.company}"[:300],
        payload=_payload(tenant, row),
    )
    db.add(approval)
    await db.flush()
    row.approval_id = approval.id
    queue_mail(db, tenant, row.signer_email, "lumen_ecommerce/request_received", {"row": row}, locale=row.locale)
    if plugin_settings(tenant, LumenSettings).auto_provision and row.action == RequestAction.CREATE:
        registry = service(tenant, CustomerRegistry)
        record = await registry.lookup(db, row.customer_number)
        if record is not None and record.active and not await registry.has_ecommerce_account(db, row.customer_number):
            approval.status = ApprovalStatus.APPROVED
            approval.decided_at = utcnow()
            approval.reason = "automatic"
            await decide(db, tenant, approval)
    return approval


async def decide(db: AsyncSession, tenant: Tenant, approval: ApprovalRequest) -> None:
    """Apply an operator's decision: provision on approval, mail the reason on rejection.

    Provisioning runs in a savepoint: when it fails, the signed request stays, marked ``failed``.
    """
    request_id = (approval.payload or {}).get("request_id")
    row = await db.get(LumenAccessRequest, request_id) if request_id else None
    if row is None or row.status != RequestStatus.PENDING:
        return
    row.decided_at = utcnow()
    if approval.status == ApprovalStatus.REJECTED:
        row.status = RequestStatus.REJECTED
        row.reason = approval.reason or ""
        queue_mail(db, tenant, row.signer_email, "lumen_ecommerce/request_rejected", {"row": row}, locale=row.locale)
        audit(
            db,
            "lumen.access_request.rejected",
            tenant_id=tenant.id,
            actor_type="staff",
            actor_id=approval.decided_by,
            subject_type="lumen_access_request",
            subject_id=row.id,
        )
        return
    if approval.status != ApprovalStatus.APPROVED:
        return
    await _provision_safely(db, tenant, row, approval.decided_by)


async def retry_provisioning(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest) -> None:
    """Provision again a request whose provisioning failed (``portique lumen retry``)."""
    row.status, row.error = RequestStatus.PENDING, ""
    await _provision_safely(db, tenant, row, None)


async def _provision_safely(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest, staff_id: int | None) -> None:
    try:
        async with db.begin_nested():
            await provision(db, tenant, row)
    except Exception as exc:
        log.exception("provisioning of %s failed", row.reference)
        row.status = RequestStatus.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        audit(
            db,
            "lumen.access_request.provisioning_failed",
            tenant_id=tenant.id,
            subject_type="lumen_access_request",
            subject_id=row.id,
            error=row.error,
        )
        return
    audit(
        db,
        "lumen.access_request.provisioned",
        tenant_id=tenant.id,
        actor_type="staff" if staff_id else "system",
        actor_id=staff_id,
        subject_type="lumen_access_request",
        subject_id=row.id,
    )


async def provision(db: AsyncSession, tenant: Tenant, row: LumenAccessRequest) -> list[User]:
    """Create or change the account and its users as the signed request says; mail every person."""
    content = row.content
    registry = service(tenant, CustomerRegistry)
    record = await registry.lookup(db, row.customer_number)
    account = await get_or_create_account(
        db,
        row.customer_number,
        name=content.get("company") or (record.name if record else ""),
        address=f"{content.get('address', '')}, {content.get('city', '')} {content.get('postal_code', '')}",
    )
    touched: list[User] = []
    if row.action == RequestAction.CREATE:
        _open_ecommerce(account, row)
    if row.action in (RequestAction.CREATE, RequestAction.ADD):
        admin_email = normalize_email(content.get("admin_email", ""))
        for index, entry in enumerate(content.get("users", [])):
            is_admin = row.action == RequestAction.CREATE and index == 0
            added = await _add_user(db, tenant, account, entry, row, admin=is_admin)
            if is_admin:
                assert normalize_email(added.email) == admin_email
            touched.append(added)
    elif row.action == RequestAction.MODIFY:
        for entry in content.get("users", []):
            changed = await _modify_user(db, tenant, account, entry, row)
            if changed is not None:
                touched.append(changed)
    elif row.action == RequestAction.REMOVE:
        for entry in content.get("users", []):
            removed = await _remove_user(db, tenant, account, entry, row)
            if removed is not None:
                touched.append(removed)
    row.status = RequestStatus.PROVISIONED
    row.account_id = account.id
    if row.action != RequestAction.CREATE:
        queue_mail(
            db,
            tenant,
            row.signer_email,
            "lumen_ecommerce/request_done",
            {"row": row, "users": touched},
            locale=row.locale,
        )
    return touched


def _open_ecommerce(account: Account, row: LumenAccessRequest) -> None:
    """Mark the customer account as an e-commerce one, with what the signed creation request chose."""
    content = row.content
    data = dict(account.plugin_data or {})
    data.update(
        {
            "ecommerce": True,
            "platforms": content.get("platforms", []),
            "project_account": content.get("project_account") == "yes",
            "phone": content.get("phone", ""),
            "request": row.reference,
        }
    )
    account.plugin_data = data


async def _remove_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest
) -> User | None:
    """Take one person off the account (disabled when it was their last one) and tell them; None if not a member."""
    user = await find_user_by_email(db, entry.get("email", ""))
    if user is None:
        return None
    membership = await db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
    )
    if membership is None:
        return None
    await db.delete(membership)
    await db.flush()
    remaining = await db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    if remaining is None:
        user.status = UserStatus.DISABLED
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/access_removed",
        {"user": user, "account": account, "row": row},
        locale=user.locale or row.locale,
    )
    return user


async def _modify_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest
) -> User | None:
    """Apply one block of a signed modification: permission, name, e-mail (the old address is told)."""
    user = await find_user_by_email(db, entry.get("current_email") or entry.get("email", ""))
    if user is None:
        return None
    membership = await db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
    )
    if membership is None or membership.role == Role.HOLDER:
        return None
    permission = PERMISSION_OF_CHOICE.get(entry.get("permission", ""), PERM_PRICES)
    before = {
        "permissions": list(membership.permissions or []),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }
    membership.permissions = [permission]
    user.first_name = entry.get("first_name") or user.first_name
    user.last_name = entry.get("last_name") or user.last_name
    new_email = (entry.get("email") or "").strip()
    if new_email and normalize_email(new_email) != user.email_normalized:
        await change_email(db, tenant, user, new_email, confirmed=True)
    audit(
        db,
        "lumen.user_modified",
        tenant_id=tenant.id,
        subject_type="user",
        subject_id=user.id,
        reference=row.reference,
        before=before,
        after={
            "permissions": [permission],
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
        },
    )
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/access_changed",
        {"user": user, "account": account, "permission": permission},
        locale=user.locale or row.locale,
    )
    return user


async def _add_user(
    db: AsyncSession, tenant: Tenant, account: Account, entry: dict[str, Any], row: LumenAccessRequest, *, admin: bool
) -> User:
    """Give one person of a provisioned request their access: a new user is registered through the core
    (the request was signed and approved: active at once), a disabled one is activated again."""
    permission = PERMISSION_OF_CHOICE.get(entry.get("permission", ""), PERM_PRICES)
    user = await find_user_by_email(db, entry["email"])
    created = user is None
    if user is None:
        username = await make_username(db, entry.get("first_name", ""), entry.get("last_name", ""))
        user = await create_user(
            db,
            email=entry["email"],
            username=username,
            password=None,
            first_name=entry.get("first_name", ""),
            last_name=entry.get("last_name", ""),
            company=row.company,
            locale=row.locale,
            plugin_data={NAME: {"request": row.reference}},
        )
    await grant_membership(db, user, account, Role.HOLDER if admin else Role.MEMBER, [permission])
    if created:
        data = {"via": "access_request", "request": row.reference}
        await register_user(db, tenant, user, data=data, policy=ACTIVE_AT_ONCE)
    elif user.status == UserStatus.DISABLED:
        await activate_user(db, tenant, user, notify=False)
    queue_mail(
        db,
        tenant,
        user.email,
        "lumen_ecommerce/account_created" if created else "lumen_ecommerce/access_added",
        {
            "user": user,
            "account": account,
            "admin": admin,
            "permission": permission,
        },
        locale=user.locale or row.locale,
    )
    return user


def describe_permission(permission_codes: list[str]) -> str:
    """The translated label of a membership's Lumen permission."""
    for code in permission_codes:
        for choice, value in PERMISSION_OF_CHOICE.items():
            if value == code:
                return _label(USER_PERMISSIONS, choice)
    return gettext("None")
