"""An operator exports a customer's data on request (the right of access asked by mail, post or phone).

The archive is the one the customer gets from their profile (``export_archive``), answered at once
as a download to the operator, who sends it to the customer by the way they asked; it is never
stored. Operators only, each for the tenants they work on; audited as ``privacy.export_by_operator``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from core.audit.service import record as audit
from core.db.base import utcnow
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n.context import use_locale
from core.identity.forms import EmailAddress
from core.identity.models import User
from core.identity.users import find_user_by_email
from core.portal import get_portal
from core.privacy.archive import safe_name
from core.privacy.building import export_archive
from core.tenancy.models import Tenant
from core.web.forms import PortiqueForm


class OperatorExportForm(PortiqueForm):
    """Whose data: the tenant (on the operator host) and the customer's e-mail address."""

    tenant = SelectField(_l("Tenant"), coerce=int, validate_choice=False)
    email = StringField(
        _l("Customer's e-mail address"),
        [InputRequired(message=_l("Enter the customer's e-mail address.")), Length(max=254), EmailAddress()],
    )

    def offer(self, tenants: list[Tenant]) -> None:
        """The tenants the operator may export from (one: the tenant of this console)."""
        self.tenant.choices = [(t.id, t.name) for t in tenants]
        if len(tenants) == 1:
            self.tenant.data = tenants[0].id


async def customer_of(form: OperatorExportForm, tenants: list[Tenant]) -> tuple[Tenant, User] | None:
    """The tenant and the customer the form names; ``None`` after putting the reason next to the field."""
    tenant = next((t for t in tenants if t.id == form.tenant.data), None)
    if tenant is None:
        form.tenant.errors = [_("Choose one of your tenants.")]
        return None
    async with get_portal().database.session(tenant.id) as db:
        user = await find_user_by_email(db, form.email.data)
    if user is None:
        form.email.errors = [_("No customer of this tenant has this e-mail address.")]
        return None
    return tenant, user


async def archive_response(request: Request, tenant: Tenant, user: User) -> Response:
    """Build the customer's archive in their language, audit it, and answer it as a download."""
    portal = get_portal()
    locale = user.locale if user.locale in tenant.locales else tenant.default_locale
    async with portal.database.session(tenant.id) as db:
        user = await db.get(User, user.id) or user
        with use_locale(locale, portal.translations(tenant, locale)):
            content = await export_archive(portal, tenant, user, db)
        audit(
            db,
            "privacy.export_by_operator",
            request=request,
            tenant_id=tenant.id,
            actor_type="staff",
            actor_id=request.state.staff.id,
            subject_type="user",
            subject_id=user.id,
            size=len(content),
        )
        await db.commit()
    name = safe_name(f"{tenant.slug}-data-export-{user.id}-{utcnow():%Y%m%d}.zip")
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(content, media_type="application/zip", headers=headers)
