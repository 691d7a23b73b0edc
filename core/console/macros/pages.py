"""The operator's ``/console/macros`` pages: the list (by tenant), the create and edit form, deletion.

Agents use macros on the ticket page but do not manage them: a macro speaks for the whole tenant to
its customers, so its wording is the operators' responsibility (the pages answer agents 404).
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.console.language import language_names
from core.console.macros.forms import MacroForm
from core.console.macros.models import ReplyMacro
from core.console.macros.service import create_macro, delete_macro, macros_of, scoped_macro, update_macro
from core.i18n import gettext as _
from core.portal import get_portal
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.web.flow import flash
from core.web.ids import parse_id
from core.web.redirects import redirect
from core.web.rendering import render


async def _tenants(request: Request) -> list[Tenant]:
    async with get_portal().database.session() as db:
        query = select(Tenant).where(Tenant.id.in_(request.state.staff_tenants)).order_by(Tenant.name)
        return list(await db.scalars(query))


async def macro_list(request: Request) -> Response:
    """The macros of the operator's tenants (or of the tenant chosen), with how often each was sent."""
    tenants = await _tenants(request)
    chosen = parse_id(request.query_params.get("tenant", ""))
    shown = [chosen] if chosen in {t.id for t in tenants} else [t.id for t in tenants]
    async with get_portal().database.session() as db:
        rows = await macros_of(db, shown)
    return await render(
        request,
        "console/macros.html",
        {
            "rows": rows,
            "tenants": {t.id: t for t in tenants},
            "chosen": chosen if len(shown) == 1 and chosen is not None else None,
            "language_names": language_names({m.locale for m in rows}),
        },
    )


async def macro_edit(request: Request) -> Response:
    """Create (``/console/macros/new``) or change a macro of one of the operator's tenants."""
    staff: Staff = request.state.staff
    tenants = await _tenants(request)
    macro_id = request.path_params.get("macro_id")
    async with get_portal().database.session() as db:
        macro = await scoped_macro(db, macro_id, request.state.staff_tenants) if macro_id is not None else None
        if macro_id is not None and macro is None:
            raise HTTPException(status_code=404)
        offered = [t for t in tenants if macro is None or t.id == macro.tenant_id]
        defaults = {"tenant": parse_id(request.query_params.get("tenant", ""))}
        form = await MacroForm.from_request(request, obj=macro, **({} if macro else defaults))
        form.offer(offered, language_names({code for t in offered for code in t.locales}))
        if macro is not None:
            form.tenant.data = macro.tenant_id  # a macro stays with its tenant
        if request.method == "POST" and form.validate():
            values = {"title": form.title.data.strip(), "locale": form.locale.data, "body": form.body.data}
            if macro is None:
                macro = await create_macro(db, staff, form.tenant.data, request=request, **values)
            else:
                update_macro(db, staff, macro, request=request, **values)
            await db.commit()
            flash(request, _("Reply macro saved."), "success")
            return redirect(request, "/console/macros")
    return await render(
        request,
        "console/macro_edit.html",
        {"form": form, "subject": macro, "subject_tenant": offered[0] if macro else None},
        status_code=400 if form.errors else 200,
    )


async def macro_delete(request: Request) -> Response:
    """Delete a macro of one of the operator's tenants."""
    staff: Staff = request.state.staff
    async with get_portal().database.session() as db:
        macro: ReplyMacro | None = await scoped_macro(db, request.path_params["macro_id"], request.state.staff_tenants)
        if macro is None:
            raise HTTPException(status_code=404)
        await delete_macro(db, staff, macro, request)
        await db.commit()
    flash(request, _("Reply macro deleted."), "success")
    return redirect(request, "/console/macros")
