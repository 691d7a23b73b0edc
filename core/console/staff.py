"""Staff management pages (operators only): the list, adding staff, and one account's scope and status.

The work is done by ``core.staff`` (enrolment, scope, status); these pages read forms and render.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.console.staff_forms import StaffCreateForm, StaffScopeForm
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.portal import get_portal
from core.staff.accounts import StaffError
from core.staff.directory import staff_directory
from core.staff.enrolment import enrol_staff, mail_link
from core.staff.models import Staff
from core.staff.scope import change_scope, scope_of
from core.staff.status import disable_staff, enable_staff, reset_two_step
from core.tenancy.models import Tenant
from core.web.flow import flash
from core.web.forms import PortiqueForm
from core.web.redirects import redirect
from core.web.rendering import render


async def _choices(db: AsyncSession) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """Every tenant, and every ticket category of any tenant (code, name)."""
    tenants = list(await db.scalars(select(Tenant).order_by(Tenant.name)))
    portal = get_portal()
    categories = {c.code: str(c.name) for t in tenants for c in portal.categories(t)}
    return [(t.id, t.name) for t in tenants], sorted(categories.items(), key=lambda item: item[1])


def _show_error(form: PortiqueForm, exc: StaffError) -> None:
    """Put a service's refusal next to the field it concerns."""
    field = getattr(form, exc.field, None)
    if field is None:
        raise exc
    field.errors = [*field.errors, exc.message]


async def staff_list(request: Request) -> Response:
    """Every staff account: role, scope, status, two-step sign-in and last sign-in."""
    async with get_portal().database.session() as db:
        entries = await staff_directory(db)
        _tenants, categories = await _choices(db)
    return await render(request, "console/staff_list.html", {"entries": entries, "category_names": dict(categories)})


async def staff_new(request: Request) -> Response:
    """Add an agent or an operator; they receive a set-password link by mail."""
    actor: Staff = request.state.staff
    form = await StaffCreateForm.from_request(request)
    async with get_portal().database.session() as db:
        form.offer(*await _choices(db))
        if request.method == "POST" and form.validate():
            try:
                staff = await enrol_staff(
                    db,
                    actor,
                    email=form.email.data,
                    name=form.name.data,
                    role=form.role.data,
                    tenant_ids=form.tenants.data or [],
                    categories=form.categories.data or [],
                    locale=form.locale.data,
                    request=request,
                )
            except StaffError as exc:
                _show_error(form, exc)
            else:
                await db.commit()
                flash(
                    request,
                    _("%(name)s was added and has been mailed a link to choose a password.", name=staff.name),
                    "success",
                )
                return redirect(request, f"/console/staff/{staff.id}")
    status = 400 if request.method == "POST" else 200
    return await render(request, "console/staff_new.html", {"form": form}, status_code=status)


ACTIONS = {
    "disable": _l("The account is disabled and its console sessions have ended."),
    "enable": _l("The account is enabled again."),
    "reset_two_step": _l("Two-step sign-in is reset: it is set up again at the next sign-in."),
    "send_link": _l("A new set-password link has been mailed."),
}


async def _act(db: AsyncSession, request: Request, actor: Staff, staff: Staff, action: str) -> str:
    """Carry out one of the status actions; its confirmation, or ``""`` for an unknown action."""
    if action == "disable" and staff.active:
        await disable_staff(db, actor, staff, request=request)
    elif action == "enable" and not staff.active:
        enable_staff(db, actor, staff, request=request)
    elif action == "reset_two_step":
        await reset_two_step(db, actor, staff, request=request)
    elif action == "send_link" and staff.active:
        await mail_link(db, staff, actor)
    else:
        return ""
    return str(ACTIONS[action])


async def _save_scope(db: AsyncSession, request: Request, actor: Staff, staff: Staff, form: StaffScopeForm) -> str:
    """Save the scope form when it is valid; the confirmation, or ``""`` (the errors are on the form)."""
    if not form.validate():
        return ""
    await change_scope(
        db,
        actor,
        staff,
        role=form.role.data,
        tenant_ids=form.tenants.data or [],
        categories=form.categories.data or [],
        request=request,
    )
    return _("The role and scope are saved.")


async def staff_page(request: Request) -> Response:
    """One staff account: change its scope, disable or enable it, reset two-step sign-in, mail a new link."""
    actor: Staff = request.state.staff
    action = str((await request.form()).get("action") or "") if request.method == "POST" else ""
    status, problem = 200, ""
    async with get_portal().database.session() as db:
        staff = await db.get(Staff, int(request.path_params["staff_id"]))
        if staff is None:
            raise HTTPException(status_code=404)
        tenant_ids, categories = await scope_of(db, staff)
        saved = {"role": staff.role, "tenants": tenant_ids, "categories": categories}
        form = await StaffScopeForm.from_request(request, **saved) if action == "scope" else StaffScopeForm(**saved)
        form.offer(*await _choices(db))
        if request.method == "POST":
            try:
                if action == "scope":
                    done = await _save_scope(db, request, actor, staff, form)
                else:
                    done = await _act(db, request, actor, staff, action)
                    problem = "" if done else _("This action is not possible for this account.")
            except StaffError as exc:
                done = ""
                if exc.field == "role":
                    _show_error(form, exc)
                else:
                    problem = exc.message
            if done:
                await db.commit()
                flash(request, done, "success")
                return redirect(request, f"/console/staff/{staff.id}")
            status = 400
        context = {"subject": staff, "form": form, "problem": problem, "is_me": staff.id == actor.id}
        return await render(request, "console/staff_edit.html", context, status_code=status)
