"""Access requests once checked: keeping the signed form with its evidence, filing it in the console's
approvals queue (or provisioning it at once when the tenant allows), and applying the operator's decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from core.api import (
    ApprovalField,
    ApprovalRequest,
    ApprovalStatus,
    Tenant,
    User,
    audit,
    client_ip,
    current_locale,
    format_phone,
    get_portal,
    lazy_gettext,
    normalize_email,
    parse_time,
    plugin_settings,
    queue_mail,
    service,
    utcnow,
)
from plugins.lumen_ecommerce.backend import CustomerRegistry
from plugins.lumen_ecommerce.evidence import TERMS, content_hash, render_pdf
from plugins.lumen_ecommerce.forms import ACTIONS, PLATFORMS, USER_PERMISSIONS, YES_NO, AccessRequestForm
from plugins.lumen_ecommerce.models import LumenAccessRequest, RequestAction, RequestStatus
from plugins.lumen_ecommerce.provisioning import provision_safely
from plugins.lumen_ecommerce.rules import choice_label
from plugins.lumen_ecommerce.settings import NAME, LumenSettings


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
            entry["permission_label"] = choice_label(USER_PERMISSIONS, block.permission.data)
        users.append(entry)
    return {
        "has_account": form.has_account.data,
        "has_account_label": choice_label(YES_NO, form.has_account.data),
        "customer_number": clean["customer_number"],
        "platforms": list(form.platforms.data or []),
        "platforms_label": ", ".join(choice_label(PLATFORMS, p) for p in form.platforms.data or []),
        "action": action,
        "action_label": choice_label(ACTIONS, action),
        "project_account": form.project_account.data,
        "project_account_label": choice_label(YES_NO, form.project_account.data),
        "is_admin": form.is_admin.data,
        "is_admin_label": choice_label(YES_NO, form.is_admin.data),
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
        ApprovalField(lazy_gettext("What do you want to do?"), choice_label(ACTIONS, payload.get("action"))),
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
    action_label = choice_label(ACTIONS, row.action)
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
    await provision_safely(db, tenant, row, approval.decided_by)
