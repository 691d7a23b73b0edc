"""Operator pages: tenants (list, create, edit, disable), registry imports, the audit log, the outbox."""

from __future__ import annotations

import json
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.audit.models import AuditEvent
from core.audit.service import record as audit
from core.console import privacy_fields, registry
from core.console.language import tenant_words
from core.i18n import gettext as _
from core.i18n import ngettext
from core.imports import RegistryImporter
from core.mail.models import OutboxMessage
from core.portal import get_portal
from core.staff.models import Staff
from core.staff.passkey_rule import tenant_requires
from core.storage import StorageError, get_storage
from core.tenancy.models import Tenant
from core.tenancy.service import TenantError, create_tenant, update_tenant
from core.web.flow import flash
from core.web.ids import parse_id, parse_int
from core.web.redirects import redirect
from core.web.rendering import render
from core.web.themes import available_themes

log = logging.getLogger("portique.console")
NAME_MAX = 120  # the column's length
LOG_PAGE = 100
IMPORT_KEY = "console:import"
PREVIEW_ROWS = 20


# -- tenants -------------------------------------------------------------------------------------


def _csv_list(value: object) -> list[str]:
    return [item.strip() for item in str(value or "").split(",") if item.strip()]


async def tenants(request: Request) -> Response:
    """Every tenant (enabled or not)."""
    async with get_portal().database.session() as db:
        rows = list(await db.scalars(select(Tenant).order_by(Tenant.slug)))
    return await render(request, "console/tenants.html", {"rows": rows})


def _tenant_values(form: Any) -> dict[str, Any]:
    settings_text = str(form.get("settings") or "{}")
    return {
        "name": str(form.get("name") or "").strip(),
        "hostnames": _csv_list(form.get("hostnames")),
        "plugins": _csv_list(form.get("plugins")),
        "theme": str(form.get("theme") or "default"),
        "locales": _csv_list(form.get("locales")) or ["en"],
        "default_locale": str(form.get("default_locale") or "").strip() or None,
        "timezone": str(form.get("timezone") or "UTC").strip(),
        "country": str(form.get("country") or "CA").strip().upper()[:2],
        "subdivision": str(form.get("subdivision") or "").strip().upper()[:10],
        "ticket_prefix": str(form.get("ticket_prefix") or "TKT").strip().upper()[:6],
        "enabled": form.get("enabled") == "1",
        "staff_passkeys": form.get("staff_passkeys") == "1",
        "settings_text": settings_text,
    }


def _tenant_problems(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """The form's problems by field (name, time zone, settings JSON), and the settings it holds."""
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("Enter a name.")
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = _("Use at most %(count)s characters.", count=NAME_MAX)
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        errors["timezone"] = _("Unknown time zone; use a name such as America/Montreal or Europe/Brussels.")
    try:
        settings = json.loads(values["settings_text"])
        if not isinstance(settings, dict):
            raise ValueError
    except ValueError:
        errors["settings"] = _("Settings must be a JSON object.")
        settings = {}
    return errors, settings


def _error_field(field: str) -> str:
    """The form field a :class:`TenantError` is about: a privacy field, else the first part of its name."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "settings" and parts[1] in privacy_fields.SECTIONS:
        return privacy_fields.field_name(parts[1], parts[2])
    return parts[0]


def _json_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """What the form's JSON field shows: the settings without those edited as fields of their own."""
    shown = privacy_fields.other_settings(settings)
    passkeys = {k: v for k, v in (shown.pop("passkeys", None) or {}).items() if k != "require_for_staff"}
    return {**shown, **({"passkeys": passkeys} if passkeys else {})}


async def tenant_edit(request: Request) -> Response:
    """Create (``/console/tenants/new``) or change a tenant; plugin settings are validated by the plugin."""
    staff: Staff = request.state.staff
    portal = get_portal()
    slug = request.path_params.get("slug")
    errors: dict[str, str] = {}
    async with portal.database.session() as db:
        tenant = await db.scalar(select(Tenant).where(Tenant.slug == slug)) if slug else None
        if slug and tenant is None:
            raise HTTPException(status_code=404)
        values: dict[str, Any]
        if request.method == "POST":
            form = await request.form()
            values = _tenant_values(form)
            if not slug:
                values["slug"] = str(form.get("slug") or "").strip().lower()
            errors, settings = _tenant_problems(values)
            privacy, sections, privacy_errors = privacy_fields.read_fields(form)
            values["privacy"] = privacy
            errors.update(privacy_errors)
            if not errors:
                data = {k: v for k, v in values.items() if k not in ("settings_text", "privacy", "staff_passkeys")}
                passkeys = {**(settings.get("passkeys") or {}), "require_for_staff": values["staff_passkeys"]}
                data["settings"] = {**settings, **sections, "passkeys": passkeys}
                try:
                    if tenant is None:
                        tenant = await create_tenant(db, portal.plugins, **data)
                        action = "console.tenant_created"
                    else:
                        await update_tenant(db, portal.plugins, tenant, **data)
                        action = "console.tenant_changed"
                except TenantError as exc:
                    errors[_error_field(exc.field)] = exc.message
                else:
                    audit(
                        db,
                        action,
                        request=request,
                        tenant_id=tenant.id,
                        actor_type="staff",
                        actor_id=staff.id,
                        subject_type="tenant",
                        subject_id=tenant.slug,
                    )
                    await db.commit()
                    await portal.registry.refresh(force=True)
                    flash(request, _("Tenant saved."), "success")
                    return redirect(request, "/console/tenants")
        elif tenant is not None:
            values = {
                "slug": tenant.slug,
                "name": tenant.name,
                "hostnames": tenant.hostnames,
                "plugins": tenant.plugins,
                "theme": tenant.theme,
                "locales": tenant.locales,
                "default_locale": tenant.default_locale,
                "timezone": tenant.timezone,
                "country": tenant.country,
                "subdivision": tenant.subdivision or "",
                "ticket_prefix": tenant.ticket_prefix,
                "enabled": tenant.enabled,
                "staff_passkeys": tenant_requires(tenant),
                "settings_text": json.dumps(_json_settings(tenant.settings), indent=2, ensure_ascii=False),
                "privacy": privacy_fields.shown_values(tenant.settings),
            }
        else:
            values = {
                "slug": "",
                "name": "",
                "hostnames": [],
                "plugins": [],
                "theme": "default",
                "locales": ["en"],
                "default_locale": "en",
                "timezone": "UTC",
                "country": "CA",
                "subdivision": "",
                "ticket_prefix": "TKT",
                "enabled": True,
                "staff_passkeys": False,
                "settings_text": "{}",
                "privacy": privacy_fields.shown_values({}),
            }
    return await render(
        request,
        "console/tenant_edit.html",
        {
            "subject": tenant,
            "values": values,
            "errors": errors,
            "themes": available_themes(),
            "plugin_names": portal.plugins.provider_names,
        },
        status_code=400 if errors else 200,
    )


# -- registry imports ------------------------------------------------------------------------------


def _importer_labels(choices: list[tuple[Tenant, RegistryImporter]]) -> dict[tuple[int, str], str]:
    """Each importer's label, translated by its plugin's catalogue: ``{(tenant id, code): label}``."""
    labels = {}
    for t, importer in choices:
        with tenant_words(t):  # a plugin's importer is named in its own catalogue
            labels[(t.id, importer.code)] = str(importer.label)
    return labels


async def imports(request: Request) -> Response:
    """Choose a tenant and an importer, upload a CSV, see the preview and errors, then apply it all."""
    staff: Staff = request.state.staff
    portal = get_portal()
    storage = get_storage()
    allowed: list[int] = request.state.staff_tenants
    async with portal.database.session() as db:
        tenant_list = list(await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)).order_by(Tenant.name)))
    choices = [(t, importer) for t in tenant_list for importer in registry.importers(t)]
    labels = _importer_labels(choices)
    context: dict[str, Any] = {
        "choices": [(t, importer, labels[(t.id, importer.code)]) for t, importer in choices],
        "rows": [],
        "errors": [],
        "columns": (),
        "ready": None,
        "problem": "",
    }
    status = 200
    if request.method == "POST":
        form = await request.form()
        step = form.get("step")
        if step == "preview":
            tenant_id, _sep, code = str(form.get("importer") or "").partition(":")
            chosen = next(((t, i) for t, i in choices if str(t.id) == tenant_id and i.code == code), None)
            upload = form.get("file")
            if chosen is None or upload is None or isinstance(upload, str):
                context["problem"] = _("Choose an import and a CSV file.")
                status = 400
            else:
                content = await upload.read(registry.MAX_BYTES + 1)
                tenant, importer = chosen
                if len(content) > registry.MAX_BYTES:
                    context["problem"] = _("The file is larger than 20 MB.")
                    status = 400
                else:
                    checked = await registry.preview(tenant, importer, content)
                    rows, errors = checked.rows, checked.errors
                    context.update(
                        rows=rows[:PREVIEW_ROWS],
                        count=len(rows),
                        errors=errors,
                        columns=importer.columns,
                        chosen=(tenant, importer),
                    )
                    if not errors and rows:
                        key = await storage.save("imports", tenant.id, content)
                        request.state.session.set(IMPORT_KEY, {"key": key, "tenant": tenant.id, "code": importer.code})
                        context["ready"] = True
                    else:
                        status = 400
        elif step == "apply":
            pending = request.state.session.pop(IMPORT_KEY)
            chosen = next(
                ((t, i) for t, i in choices if pending and t.id == pending["tenant"] and i.code == pending["code"]),
                None,
            )
            if chosen is None:
                raise HTTPException(status_code=404)
            tenant, importer = chosen
            try:
                content = await storage.read(pending["key"])
            except StorageError:
                raise HTTPException(status_code=404) from None
            try:
                count = await registry.commit(
                    tenant,
                    importer,
                    content,
                    audit_as={"request": request, "actor_type": "staff", "actor_id": staff.id},
                )
            except registry.ImportRejectedError as rejected:
                context.update(errors=rejected.errors, columns=importer.columns, chosen=(tenant, importer))
                status = 400
            except registry.ImportFailedError:
                log.exception("registry import %s failed on tenant %s", importer.code, tenant.slug)
                context.update(
                    problem=_("The import failed; nothing was written. The error has been logged."),
                    chosen=(tenant, importer),
                )
                await storage.delete(pending["key"])
                return await render(request, "console/imports.html", context, status_code=503)
            else:
                await storage.delete(pending["key"])
                flash(request, ngettext("%(num)s row imported.", "%(num)s rows imported.", count), "success")
                return redirect(request, "/console/imports")
    return await render(request, "console/imports.html", context, status_code=status)


# -- audit log and outbox -------------------------------------------------------------------------


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    return parse_int(value)


async def audit_log(request: Request) -> Response:
    """Audit events of the staff member's tenants, newest first, filtered by action, actor or subject."""
    allowed: list[int] = request.state.staff_tenants
    staff: Staff = request.state.staff
    params = request.query_params
    query = select(AuditEvent)
    if staff.is_operator and request.state.tenant is None:
        query = query.where(AuditEvent.tenant_id.in_(allowed) | AuditEvent.tenant_id.is_(None))
    else:
        query = query.where(AuditEvent.tenant_id.in_(allowed))
    chosen_tenant = parse_id(params.get("tenant", ""))
    if chosen_tenant is not None and chosen_tenant in allowed:
        query = query.where(AuditEvent.tenant_id == chosen_tenant)
    if params.get("action"):
        query = query.where(AuditEvent.action.startswith(params["action"][:60], autoescape=True))
    if params.get("subject"):
        query = query.where(AuditEvent.subject_id == params["subject"][:60])
    if params.get("actor_type"):
        query = query.where(AuditEvent.actor_type == params["actor_type"][:20])
    before = _before(request)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    async with get_portal().database.session() as db:
        events = list(await db.scalars(query.order_by(AuditEvent.id.desc()).limit(LOG_PAGE + 1)))
        names = {t.id: t.name for t in await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)))}
    more = len(events) > LOG_PAGE
    events = events[:LOG_PAGE]
    kept = {k: params[k] for k in ("tenant", "action", "subject", "actor_type") if params.get(k)}
    return await render(
        request,
        "console/audit.html",
        {"events": events, "names": names, "params": kept, "next_before": events[-1].id if more else None},
    )


async def outbox(request: Request) -> Response:
    """Mail in the outbox: status, attempts, last error, newest first."""
    allowed: list[int] = request.state.staff_tenants
    params = request.query_params
    query = select(OutboxMessage).where(OutboxMessage.tenant_id.in_(allowed) | OutboxMessage.tenant_id.is_(None))
    if request.state.tenant is not None:
        query = select(OutboxMessage).where(OutboxMessage.tenant_id.in_(allowed))
    chosen_tenant = parse_id(params.get("tenant", ""))
    if chosen_tenant is not None and chosen_tenant in allowed:
        query = query.where(OutboxMessage.tenant_id == chosen_tenant)
    if params.get("status") in ("queued", "sent", "failed", "retry"):
        query = query.where(OutboxMessage.status == params["status"])
    if params.get("to"):
        query = query.where(OutboxMessage.recipient == params["to"][:300])
    before = _before(request)
    if before is not None:
        query = query.where(OutboxMessage.id < before)
    async with get_portal().database.session() as db:
        messages = list(await db.scalars(query.order_by(OutboxMessage.id.desc()).limit(LOG_PAGE + 1)))
        names = {t.id: t.name for t in await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)))}
    more = len(messages) > LOG_PAGE
    messages = messages[:LOG_PAGE]
    kept = {k: params[k] for k in ("tenant", "status", "to") if params.get(k)}
    return await render(
        request,
        "console/outbox.html",
        {"messages": messages, "names": names, "params": kept, "next_before": messages[-1].id if more else None},
    )
