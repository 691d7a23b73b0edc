"""The pages of "Delete my account": the confirmation (password, throttled), and cancelling during the
grace period from the banner or from the mail's link."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from core.i18n import gettext as _
from core.i18n.formatting import format_date
from core.identity.current import current_user, login_required
from core.identity.models import User, UserStatus
from core.identity.reauthentication import confirm_current_password
from core.identity.tokens import check_token, consume_token
from core.portal import get_portal
from core.privacy.deletion_asking import CANCEL_PURPOSE, ask_for_deletion, cancel_deletion, pending_deletion
from core.privacy.deletion_form import DeleteAccountForm
from core.privacy.deletion_rules import deletion_rules, refusals
from core.privacy.models import DeletionRequest, DeletionStatus
from core.privacy.settings import deletion_grace
from core.web.flow import flash, tenant_db
from core.web.redirects import redirect
from core.web.rendering import render


async def _me(db: AsyncSession, request: Request) -> User:
    user = await current_user(request)
    assert user is not None  # login_required
    me = await db.get(User, user.id)
    assert me is not None
    return me


@login_required
async def delete_account(request: Request) -> Response:
    """``/profile/delete``: what each plugin keeps and removes, refusals, and the password confirmation."""
    portal = get_portal()
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        me = await _me(db, request)
        pending = await pending_deletion(db, me)
        rules = await deletion_rules(portal, tenant, me, db)
        form = await DeleteAccountForm.from_request(request)
        context = {
            "form": form,
            "rules": rules,
            "refusals": refusals(rules),
            "pending": pending,
            "grace_days": deletion_grace(tenant).days,
        }
        if request.method == "GET" or pending is not None or context["refusals"] or not form.validate():
            return await render(request, "privacy/delete_account.html", context)
        confirmed = await confirm_current_password(request, me, form.current_password)
        if isinstance(confirmed, Response):
            return confirmed
        if not confirmed:
            return await render(request, "privacy/delete_account.html", context)
        deletion = await ask_for_deletion(portal, db, tenant, me, request=request)
        await db.commit()
    flash(
        request,
        _(
            "Your account will be deleted on %(date)s. Until then, you can cancel the deletion.",
            date=format_date(deletion.due_at, tz=tenant.timezone),
        ),
        "warning",
    )
    return redirect(request, "/profile")


@login_required
async def cancel_from_profile(request: Request) -> Response:
    """``/profile/delete/cancel`` (POST): the banner's button; the account stays."""
    async with tenant_db(request) as db:
        me = await _me(db, request)
        pending = await pending_deletion(db, me)
        if pending is not None:
            await cancel_deletion(db, me, pending, via="profile", request=request)
            await db.commit()
    if pending is not None:
        flash(request, _("The deletion of your account is cancelled. Your account stays as it is."), "success")
    return redirect(request, "/profile")


async def _linked_deletion(db: AsyncSession, raw: str) -> tuple[User | None, DeletionRequest | None]:
    check = await check_token(db, raw, CANCEL_PURPOSE)
    if not check.ok or check.token is None or check.token.user_id is None:
        return None, None
    user = await db.get(User, check.token.user_id)
    deletion = await db.get(DeletionRequest, check.token.payload.get("deletion"))
    if user is None or user.status != UserStatus.ACTIVE or deletion is None:
        return None, None
    return user, (deletion if deletion.status == DeletionStatus.PENDING else None)


async def cancel_from_link(request: Request) -> Response:
    """``/profile/delete/cancel/{token}``: the mail's link; a button (POST) cancels, signed in or not."""
    raw = request.path_params["token"]
    async with tenant_db(request) as db:
        user, deletion = await _linked_deletion(db, raw)
        if user is None or deletion is None:
            return await render(request, "privacy/cancel_link_problem.html", status_code=404)
        if request.method == "GET":
            return await render(request, "privacy/cancel_deletion.html", {"deletion": deletion})
        await consume_token(db, raw, CANCEL_PURPOSE)
        await cancel_deletion(db, user, deletion, via="link", request=request)
        await db.commit()
    flash(request, _("The deletion of your account is cancelled. Your account stays as it is."), "success")
    return redirect(request, "/profile" if request.state.session.user_id == user.id else "/login")
