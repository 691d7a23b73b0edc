"""Customer care in the console: find a user of a tenant, see their trail, and act on their account."""

from __future__ import annotations

from sqlalchemy import or_, select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.audit.models import AuditEvent
from core.audit.service import record as audit
from core.i18n import gettext as _
from core.i18n import ngettext
from core.identity import flows
from core.identity.models import Account, Membership, User, UserStatus
from core.identity.users import find_user_by_email, normalize_email
from core.mail.addresses import is_email_address
from core.portal import get_portal
from core.staff.models import Staff
from core.tenancy.models import Tenant
from core.ticketing.models import Ticket
from core.web.flow import flash
from core.web.ids import parse_id
from core.web.redirects import redirect
from core.web.rendering import render

RESULTS = 50


async def users(request: Request) -> Response:
    """Search users of one tenant by e-mail, username, name or account number."""
    allowed: list[int] = request.state.staff_tenants
    tenant_param = request.query_params.get("tenant", "")
    tenant_id = request.state.tenant.id if request.state.tenant else parse_id(tenant_param)
    query_text = request.query_params.get("q", "").strip()[:200]
    found: list[User] = []
    async with get_portal().database.session() as db:
        tenants = list(await db.scalars(select(Tenant).where(Tenant.id.in_(allowed)).order_by(Tenant.name)))
        if tenant_id in allowed and query_text:
            pattern = f"%{query_text.lower()}%"
            accounts = (
                select(Membership.user_id)
                .join(Account, Account.id == Membership.account_id)
                .where(Account.tenant_id == tenant_id, Account.number.ilike(pattern))
            )
            found = list(
                await db.scalars(
                    select(User)
                    .where(
                        User.tenant_id == tenant_id,
                        or_(
                            User.email_normalized.like(pattern),
                            User.username_normalized.like(pattern),
                            User.last_name.ilike(pattern),
                            User.id.in_(accounts),
                        ),
                    )
                    .order_by(User.email_normalized)
                    .limit(RESULTS)
                )
            )
    return await render(
        request,
        "console/users.html",
        {"tenants": tenants, "tenant_id": tenant_id, "q": query_text, "found": found, "searched": bool(query_text)},
    )


async def _load(request: Request) -> tuple[Tenant, User]:
    async with get_portal().database.session() as db:
        user = await db.get(User, int(request.path_params["user_id"]))
        tenant = await db.get(Tenant, user.tenant_id) if user is not None else None
    if user is None or tenant is None or user.tenant_id not in request.state.staff_tenants:
        raise HTTPException(status_code=404)
    return tenant, user


async def user_page(request: Request) -> Response:
    """One user: status, accounts, tickets, audit trail, and the customer-care actions."""
    staff: Staff = request.state.staff
    tenant, user = await _load(request)
    portal = get_portal()
    context: dict[str, object] = {"error": "", "temporary_password": "", "new_email": ""}
    status_code = 200
    async with portal.database.session(tenant.id) as db:
        user = await db.get(User, user.id)  # type: ignore[assignment]
        if request.method == "POST":
            form = await request.form()
            action = str(form.get("action") or "")
            done = ""
            if action == "resend_confirmation" and user.status == UserStatus.PENDING_EMAIL:
                await flows.send_confirmation(db, tenant, user)
                done = _("A new confirmation link has been sent.")
            elif action == "change_email":
                new_email = str(form.get("email") or "").strip()
                context["new_email"] = new_email
                if not is_email_address(new_email):
                    context["error"] = _("Enter a valid e-mail address, like name@example.com.")
                elif normalize_email(new_email) != user.email_normalized and await find_user_by_email(db, new_email):
                    context["error"] = _("Another user of this portal already has this address.")
                else:
                    await flows.change_email(db, tenant, user, new_email, confirmed=True)
                    done = _("The e-mail address has been changed; the old address was told.")
            elif action == "temporary_password":
                context["temporary_password"] = await flows.set_temporary_password(db, user)
                done = "shown"
            elif action == "disable" and user.status != UserStatus.DISABLED:
                user.status = UserStatus.DISABLED
                await flows.revoke_sessions(user)
                done = _("The user is disabled and signed out everywhere.")
            elif action == "enable" and user.status == UserStatus.DISABLED:
                user.status = UserStatus.ACTIVE
                done = _("The user is enabled again.")
            elif action == "revoke_sessions":
                count = await flows.revoke_sessions(user)
                done = ngettext("%(num)s session ended.", "%(num)s sessions ended.", count)
            else:
                context["error"] = context["error"] or _("This action is not possible for this user.")
            if done:
                audit(
                    db,
                    f"console.user_{action}",
                    request=request,
                    tenant_id=tenant.id,
                    actor_type="staff",
                    actor_id=staff.id,
                    subject_type="user",
                    subject_id=user.id,
                )
                await db.commit()
                if done != "shown":
                    flash(request, done, "success")
                    return redirect(request, f"/console/users/{user.id}")
            else:
                status_code = 400
        memberships = list(
            await db.execute(
                select(Membership, Account)
                .join(Account, Account.id == Membership.account_id)
                .where(Membership.user_id == user.id)
            )
        )
        tickets = list(
            await db.scalars(
                select(Ticket).where(Ticket.requester_user_id == user.id).order_by(Ticket.id.desc()).limit(10)
            )
        )
    async with portal.database.session() as db:
        trail = list(
            await db.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.tenant_id == tenant.id,
                    or_(
                        (AuditEvent.subject_type == "user") & (AuditEvent.subject_id == str(user.id)),
                        (AuditEvent.actor_type == "user") & (AuditEvent.actor_id == user.id),
                    ),
                )
                .order_by(AuditEvent.id.desc())
                .limit(50)
            )
        )
    return await render(
        request,
        "console/user.html",
        {
            "subject": user,
            "subject_tenant": tenant,
            "memberships": memberships,
            "tickets": tickets,
            "trail": trail,
            **context,
        },
        status_code=status_code,
    )
