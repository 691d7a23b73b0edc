"""The holder's user management (``/videotron/users``): the account's authorized users and their access."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    Account,
    Membership,
    Role,
    User,
    UserStatus,
    audit,
    flash,
    login_required,
    normalize_email,
    redirect_to,
    render,
    require_role,
    restore_membership,
    revoke_sessions,
    service,
    suspend_membership,
    tenant_db,
)
from core.api import gettext as _
from plugins.videotron_business.backend import VideotronBackend
from plugins.videotron_business.forms import AddUserForm
from plugins.videotron_business.invitation import invite_secondary_user, may_invite


async def _holder(request: Request) -> tuple[Membership, Account]:
    membership = await require_role(request, Role.HOLDER)
    return membership, membership.account


PORTAL_ACCESS = (
    select(User, Membership)
    .outerjoin(
        Membership,
        (Membership.user_id == User.id) & (Membership.account_id == bindparam("account_id", type_=Integer)),
    )
    .where(User.id.in_(bindparam("user_ids", type_=Integer, expanding=True)))
)
"""The portal users bound as ``user_ids``, each with its membership of the account ``account_id`` (built once)."""


async def _people(db: AsyncSession, request: Request, account: Account) -> list[dict[str, Any]]:
    """Authorized users of the registry, each with its portal access."""
    persons = await service(request.state.tenant, VideotronBackend).authorized_users(db, account.number)
    user_ids = [person.user_id for person in persons if person.user_id]
    access: dict[int, tuple[User, Membership | None]] = {}
    if user_ids:
        rows = await db.execute(PORTAL_ACCESS, {"user_ids": user_ids, "account_id": account.id})
        access = {user.id: (user, membership) for user, membership in rows}
    people = []
    for person in persons:
        user, membership = access.get(person.user_id, (None, None)) if person.user_id else (None, None)
        people.append({"person": person, "user": user, "membership": membership})
    return people


@login_required
async def users(request: Request) -> Response:
    """The holder's user management: authorized users, their access, and the add form."""
    _membership, account = await _holder(request)
    form = AddUserForm()
    async with tenant_db(request) as db:
        people = await _people(db, request, account)
    return await render(request, "videotron_business/users.html", {"form": form, "people": people, "account": account})


@login_required
async def users_add(request: Request) -> Response:
    """Add a secondary user (technical users are refused) and send the invitation."""
    _membership, account = await _holder(request)
    form = await AddUserForm.from_request(request)
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        people = await _people(db, request, account)
        context = {"form": form, "people": people, "account": account}
        if not form.validate():
            return await render(request, "videotron_business/users.html", context, status_code=400)
        email = normalize_email(form.email.data)
        named = [p["person"] for p in people if normalize_email(p["person"].email) == email]
        if any(not person.eligible for person in named):
            form.email.errors.append(
                _("This person is a technical authorized user: technical users cannot access the customer space.")
            )
        elif any(person.user_id for person in named) or not await may_invite(db, account, email):
            form.email.errors.append(_("This e-mail address cannot be invited. Enter another one."))
        if form.email.errors:
            return await render(request, "videotron_business/users.html", context, status_code=400)
        entry = (
            named[0]
            if named
            else await service(tenant, VideotronBackend).add_secondary_user(
                db, account.number, first_name=form.first_name.data, last_name=form.last_name.data, email=email
            )
        )
        await invite_secondary_user(
            db,
            request,
            account,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            email=email,
            entry=entry.id,
        )
        await db.commit()
    flash(request, _("The invitation was sent to %(email)s.", email=email), "success")
    return redirect_to(request, "videotron_users")


async def _entry(db: AsyncSession, request: Request, account: Account) -> Any:
    entry_id = request.path_params["entry"]
    for person in await service(request.state.tenant, VideotronBackend).authorized_users(db, account.number):
        if person.id == entry_id:
            return person
    raise HTTPException(status_code=404)


@login_required
async def users_invite(request: Request) -> Response:
    """Invite a secondary user already named on the account in Vidéotron's records."""
    _membership, account = await _holder(request)
    async with tenant_db(request) as db:
        person = await _entry(db, request, account)
        if not person.eligible:
            flash(request, _("Technical authorized users cannot access the customer space."), "error")
            return redirect_to(request, "videotron_users")
        if person.user_id or not person.email or not await may_invite(db, account, person.email):
            flash(request, _("This person cannot be invited. Add them with another e-mail address."), "error")
            return redirect_to(request, "videotron_users")
        await invite_secondary_user(
            db,
            request,
            account,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            entry=person.id,
        )
        await db.commit()
    flash(request, _("The invitation was sent to %(email)s.", email=person.email), "success")
    return redirect_to(request, "videotron_users")


async def _secondary(db: AsyncSession, request: Request, account: Account) -> tuple[Any, User, Membership]:
    person = await _entry(db, request, account)
    user = await db.get(User, person.user_id) if person.user_id else None
    membership = None
    if user is not None:
        membership = await db.scalar(
            select(Membership).where(Membership.user_id == user.id, Membership.account_id == account.id)
        )
    if not person.eligible or user is None or membership is None or membership.role == Role.HOLDER:
        raise HTTPException(status_code=404)
    return person, user, membership


@login_required
async def users_suspend(request: Request) -> Response:
    """Suspend a secondary user's access, or give it back."""
    holder_membership, account = await _holder(request)
    async with tenant_db(request) as db:
        person, user, membership = await _secondary(db, request, account)
        if membership.suspended:
            await restore_membership(db, request.state.tenant, membership, user)
        else:
            await suspend_membership(db, request.state.tenant, membership, user)
        audit(
            db,
            "videotron_business.secondary_user_suspended"
            if membership.suspended
            else "videotron_business.secondary_user_restored",
            request=request,
            actor_type="user",
            actor_id=holder_membership.user_id,
            subject_type="user",
            subject_id=user.id,
        )
        await db.commit()
        suspended = membership.suspended
    message = _("%(name)s's access is suspended.") if suspended else _("%(name)s's access is restored.")
    flash(request, message % {"name": person.full_name}, "success")
    return redirect_to(request, "videotron_users")


@login_required
async def users_remove(request: Request) -> Response:
    """Remove a secondary user: the access ends and the person leaves the account."""
    holder_membership, account = await _holder(request)
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        person, user, membership = await _secondary(db, request, account)
        await db.delete(membership)
        user.status = UserStatus.DISABLED
        await revoke_sessions(user, db=db)
        await service(tenant, VideotronBackend).remove_authorized_user(db, account.number, person.id)
        audit(
            db,
            "videotron_business.secondary_user_removed",
            request=request,
            actor_type="user",
            actor_id=holder_membership.user_id,
            subject_type="user",
            subject_id=user.id,
        )
        await db.commit()
    flash(request, _("%(name)s no longer has access to the customer space.", name=person.full_name), "success")
    return redirect_to(request, "videotron_users")


async def account_users(request: Request) -> Response:
    """The core's ``/account/users`` leads to the holder's User management on this tenant."""
    return redirect_to(request, "videotron_users")
