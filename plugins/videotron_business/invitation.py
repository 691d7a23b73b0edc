"""Invitation of a secondary user: the holder's invitation, and the page of its link.

The invited person chooses a username and a password at ``/videotron/invitation/{token}``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    Account,
    InvitationLetter,
    Membership,
    TokenProblem,
    User,
    UserStatus,
    accept_invitation,
    audit,
    check_token,
    consume_token,
    current_locale,
    current_user,
    find_user_by_email,
    find_user_by_username,
    flash,
    hash_password,
    invite_user,
    normalize_username,
    redirect_to,
    render,
    service,
    sign_in,
    tenant_db,
)
from core.api import gettext as _
from plugins.videotron_business.backend import VideotronBackend
from plugins.videotron_business.forms import InvitationForm, check_password_extras
from plugins.videotron_business.mailed_links import link_problem, rules_context
from plugins.videotron_business.rules import ACTIVATION_VALID_FOR, INVITATION, PLUGIN, suggest_username


async def _former_secondary(db: AsyncSession, account: Account, email: str) -> User | None:
    """A disabled user who was a secondary user of this account and belongs to no account any more."""
    user = await find_user_by_email(db, email)
    if user is None or user.status != UserStatus.DISABLED:
        return None
    if (user.plugin_data or {}).get(PLUGIN, {}).get("account") != account.number:
        return None
    still_member = await db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    return None if still_member else user


async def may_invite(db: AsyncSession, account: Account, email: str) -> bool:
    """No one on the tenant uses this address, or only a former secondary user of this account."""
    return await find_user_by_email(db, email) is None or await _former_secondary(db, account, email) is not None


def _tenant_locale(request: Request, wanted: str | None) -> str:
    """``wanted`` when the tenant offers it, else the tenant's default language."""
    tenant = request.state.tenant
    if wanted and wanted in tenant.locales:
        return wanted
    return str(tenant.default_locale)


async def invite_secondary_user(
    db: AsyncSession, request: Request, account: Account, *, first_name: str, last_name: str, email: str, entry: int
) -> User:
    """Invite a secondary user through the core's invitation, with Vidéotron's link (5 days) and mail."""
    tenant = request.state.tenant
    holder = await current_user(request)
    data = {PLUGIN: {"account": account.number, "authorized_user": entry, "role": "secondary"}}
    returning = await _former_secondary(db, account, email)
    if returning is not None:  # someone removed earlier from this account comes back: same identity, new invitation
        returning.status = UserStatus.INVITED
        returning.first_name, returning.last_name = first_name, last_name
        returning.password_hash = None
        returning.plugin_data = data
    letter = InvitationLetter(
        template="videotron_business/invitation",
        route="videotron_invitation",
        purpose=INVITATION,
        valid_for=ACTIVATION_VALID_FOR,
        context={"holder": holder, **rules_context()},
        locale=_tenant_locale(request, current_locale()),
    )
    user = await invite_user(
        db,
        tenant,
        account,
        email=email,
        first_name=first_name,
        last_name=last_name,
        invited_by=holder,
        company=account.name,
        plugin_data=data,
        letter=letter,
    )
    await service(tenant, VideotronBackend).link_user(db, account.number, entry, user.id)
    audit(
        db,
        "videotron_business.secondary_user_invited",
        request=request,
        actor_type="user",
        actor_id=holder.id if holder else None,
        subject_type="user",
        subject_id=user.id,
        account=account.number,
    )
    return user


async def invitation(request: Request) -> Response:
    """A secondary user chooses a username and a password (same rules), then is signed in."""
    raw = request.path_params["token"]
    async with tenant_db(request) as db:
        check = await check_token(db, raw, INVITATION)
        if not check.ok or check.token is None or check.token.user_id is None:
            return await link_problem(request, check.problem or TokenProblem.UNKNOWN)
        user = await db.get(User, check.token.user_id)
        if user is None or user.status != UserStatus.INVITED:
            return await link_problem(request, TokenProblem.USED)
        suggestion = suggest_username(user.email)
        form = await InvitationForm.from_request(request, username=suggestion or "")
        context = {"form": form, "invited": user, "suggestion": suggestion, **rules_context()}
        if request.method != "POST" or not form.validate():
            return await render(request, "videotron_business/invitation.html", context)
        check_password_extras(request.state.tenant, form.password, email=user.email, username=form.username.data)
        owner = await find_user_by_username(db, form.username.data)
        if owner is not None and owner.id != user.id:
            form.username.errors.append(_("This username is not available. Choose another one."))
        if form.username.errors or form.password.errors:
            return await render(request, "videotron_business/invitation.html", context)
        used = await consume_token(db, raw, INVITATION)
        if not used.ok:
            return await link_problem(request, used.problem or TokenProblem.UNKNOWN)
        user.username = form.username.data
        user.username_normalized = normalize_username(form.username.data)
        user.password_hash = await hash_password(form.password.data)
        user.locale = current_locale()
        await accept_invitation(db, request.state.tenant, user, request=request)
        await db.commit()
    if user.status != UserStatus.ACTIVE:  # the account holder suspended the access meanwhile
        flash(request, _("Your password is saved. Your access is suspended: ask the account holder to restore it."))
        return redirect_to(request, "login")
    await sign_in(request, user, remember=False)
    flash(request, _("Welcome to your Business customer space. Your access is ready."), "success")
    return redirect_to(request, "home")
