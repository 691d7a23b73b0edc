"""The account users page: a holder or admin lists, invites, changes and removes the account's users."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.audit.service import record as audit
from core.i18n import gettext as _
from core.identity import flows
from core.identity.current import current_membership, current_user, login_required
from core.identity.forms import InviteForm, PermissionsForm
from core.identity.models import Account, Membership, User
from core.identity.pages import tenant_session
from core.identity.policies import AccountUsersPolicy
from core.identity.rules import account_users_policy, permissions
from core.web.redirects import redirect
from core.web.rendering import prefixed, render


def role_label(role: str) -> str:
    """The translated name of a role."""
    labels = {"holder": _("Account holder"), "admin": _("Administrator"), "member": _("Member")}
    return labels.get(role, role)


async def managed_membership(request: Request) -> tuple[Membership, AccountUsersPolicy] | None:
    """The signed-in user's membership and the account's policy, when the user may manage its users."""
    membership = await current_membership(request)
    if membership is None:
        return None
    account: Account = membership.__dict__["account"]
    policy = account_users_policy(request.state.tenant, account)
    if membership.role not in policy.manage_roles:
        return None
    return membership, policy


async def _require_manager(request: Request) -> tuple[Membership, AccountUsersPolicy]:
    managed = await managed_membership(request)
    if managed is None:
        raise HTTPException(status_code=403, detail="role")
    return managed


def _permission_choices(request: Request) -> list[tuple[str, str]]:
    return [(p.code, str(p.label)) for p in permissions(request.state.tenant)]


@login_required
async def account_users(request: Request) -> Response:
    """``/account/users``: the list, and the invitation form (or the plugin's own form)."""
    membership, policy = await _require_manager(request)
    account: Account = membership.__dict__["account"]
    form = await InviteForm.from_request(request)
    form.role.choices = [(role, role_label(role)) for role in policy.invitable_roles]
    form.permissions.choices = _permission_choices(request)
    if request.method == "POST":
        if policy.change_url:
            return RedirectResponse(prefixed(request, policy.change_url), status_code=303)
        if form.validate():
            me = await current_user(request)
            async with tenant_session(request) as db:
                inviter = await db.get(User, me.id) if me else None
                acct = await db.get(Account, account.id)
                assert acct is not None
                existing = await db.scalar(
                    select(Membership)
                    .join(User, User.id == Membership.user_id)
                    .where(Membership.account_id == acct.id, User.email_normalized == form.email.data.strip().lower())
                )
                if existing is not None:
                    form.email.errors = [_("This person already has access to the account.")]
                else:
                    await flows.invite_user(
                        db,
                        request.state.tenant,
                        acct,
                        email=form.email.data,
                        first_name=form.first_name.data,
                        last_name=form.last_name.data,
                        role=form.role.data,
                        permissions=list(form.permissions.data or []),
                        invited_by=inviter,
                    )
                    await db.commit()
                    request.state.session.set(
                        "flash",
                        {
                            "message": _("The invitation was sent to %(email)s.", email=form.email.data),
                            "kind": "success",
                        },
                    )
                    return redirect(request, "/account/users")
    rows = [(m, u) for m, u in await _members(request, account) if m.role not in policy.hidden_roles]
    return await render(
        request,
        "identity/account_users.html",
        {
            "form": form,
            "policy": policy,
            "account": account,
            "rows": rows,
            "me_id": membership.user_id,
            "labels": dict(_permission_choices(request)),
            "role_label": role_label,
        },
    )


async def _members(request: Request, account: Account) -> list[tuple[Membership, User]]:
    async with tenant_session(request) as db:
        result = await db.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.account_id == account.id)
            .order_by(User.last_name, User.first_name, User.id)
        )
        return [(row[0], row[1]) for row in result.all()]


async def _target(
    request: Request, db: Any, membership: Membership, hidden_roles: tuple[str, ...] = ()
) -> tuple[Membership, User]:
    try:
        target_id = int(request.path_params["membership_id"])
    except ValueError:
        raise HTTPException(status_code=404) from None
    target = await db.get(Membership, target_id)
    if target is None or target.account_id != membership.account_id or target.role in hidden_roles:
        raise HTTPException(status_code=404)
    user = await db.get(User, target.user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return target, user


@login_required
async def member_permissions(request: Request) -> Response:
    """``/account/users/{membership_id}/permissions`` (POST): change a member's permissions."""
    membership, policy = await _require_manager(request)
    if policy.change_url:
        return RedirectResponse(prefixed(request, policy.change_url), status_code=303)
    form = await PermissionsForm.from_request(request)
    form.permissions.choices = _permission_choices(request)
    async with tenant_session(request) as db:
        target, user = await _target(request, db, membership, policy.hidden_roles)
        if target.role == "holder" or target.id == membership.id:
            raise HTTPException(status_code=403, detail="role")
        if not form.validate():
            raise HTTPException(status_code=400)
        before = list(target.permissions or [])
        target.permissions = list(form.permissions.data or [])
        audit(
            db,
            "identity.permissions_changed",
            request=request,
            actor_type="user",
            actor_id=membership.user_id,
            subject_type="user",
            subject_id=user.id,
            before=before,
            after=target.permissions,
        )
        await db.commit()
    request.state.session.set("flash", {"message": _("The permissions were saved."), "kind": "success"})
    return redirect(request, "/account/users")


@login_required
async def member_remove(request: Request) -> Response:
    """``/account/users/{membership_id}/remove`` (POST): take a user out of the account."""
    membership, policy = await _require_manager(request)
    if policy.change_url:
        return RedirectResponse(prefixed(request, policy.change_url), status_code=303)
    async with tenant_session(request) as db:
        target, user = await _target(request, db, membership, policy.hidden_roles)
        if target.role == "holder" or target.id == membership.id:
            raise HTTPException(status_code=403, detail="role")
        await db.delete(target)
        audit(
            db,
            "identity.member_removed",
            request=request,
            actor_type="user",
            actor_id=membership.user_id,
            subject_type="user",
            subject_id=user.id,
        )
        await flows.fire(db, request.state.tenant, "removed", user, {"account_id": membership.account_id})
        await db.commit()
        remaining = await db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    if remaining is None:
        await flows.revoke_sessions(user)
    request.state.session.set(
        "flash", {"message": _("%(name)s no longer has access to the account.", name=user.full_name), "kind": "success"}
    )
    return redirect(request, "/account/users")
