"""Pages of the Vidéotron Business customer space.

Visitors: ``/videotron/activation`` (ask for the activation e-mail), ``/videotron/activate/{token}``
(register from it), ``/register`` (register without it), ``/videotron/confirm/{token}``.
Holder: ``/videotron/users`` (user management). Secondary users: ``/videotron/invitation/{token}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.api import (
    Account,
    InvitationLetter,
    Membership,
    Role,
    RootRoute,
    Tenant,
    TokenProblem,
    User,
    UserStatus,
    accept_invitation,
    answer_known_address,
    audit,
    check_token,
    client_ip,
    confirm_email,
    consume_token,
    current_locale,
    current_user,
    find_user_by_email,
    find_user_by_username,
    flash,
    hash_password,
    invite_user,
    issue_token,
    login_required,
    normalize_email,
    normalize_username,
    queue_mail,
    redirect,
    redirect_to,
    render,
    require_role,
    restore_membership,
    revoke_sessions,
    revoke_tokens,
    service,
    sign_in,
    staff_required,
    suspend_membership,
    tenant_db,
    username_taken,
    utcnow,
)
from core.api import gettext as _
from plugins.videotron_business import services
from plugins.videotron_business.backend import AccountRecord, VideotronBackend, normalize_account_number
from plugins.videotron_business.forms import (
    ActivationRegistrationForm,
    ActivationRequestForm,
    AddUserForm,
    HolderRegistrationForm,
    InvitationForm,
)
from plugins.videotron_business.policies import (
    ACTIVATION_VALID_FOR,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
    suggest_username,
    username_errors,
)
from plugins.videotron_business.services import ACTIVATION, CONFIRM, INVITATION, NewHolder

T = "videotron_business/"


def rules_context() -> dict[str, Any]:
    """Numbers the live checklists need (kept in one place with the server-side rules)."""
    return {
        "username_min": USERNAME_MIN,
        "username_max": USERNAME_MAX,
        "password_min": PASSWORD_MIN,
        "password_max": PASSWORD_MAX,
        "valid_days": ACTIVATION_VALID_FOR.days,
    }


def _tenant_locale(request: Request, wanted: str | None) -> str:
    tenant = request.state.tenant
    if wanted and wanted in tenant.locales:
        return wanted
    return str(tenant.default_locale)


def mail_locale(tenant: Tenant, chosen: str, requested: str | None = None) -> str:
    """The language of a mail to an account's address on file: the language the person chose, else
    the language the request was made in, else the tenant's default."""
    for candidate in (chosen, requested):
        if candidate and candidate in tenant.locales:
            return candidate
    return str(tenant.default_locale)


def _mail_locale(request: Request, record_locale: str) -> str:
    return mail_locale(request.state.tenant, record_locale, current_locale())


async def link_problem(request: Request, problem: TokenProblem | str) -> Response:
    """The page of an expired, used or unknown link: call customer service; never a resend button."""
    status = 404 if problem == TokenProblem.UNKNOWN else 410
    return await render(request, T + "link_problem.html", {"problem": str(problem)}, status_code=status)


# -- activation e-mail ------------------------------------------------------------------------------


async def activation_request(request: Request) -> Response:
    """Ask for the activation e-mail with the account number; the answer never reveals if it exists."""
    form = await ActivationRequestForm.from_request(request)
    if request.method == "POST" and form.validate():
        number = normalize_account_number(form.account_number.data)
        ip = client_ip(request)
        if await services.over_limit(request, ("activation_ip", ip)):
            return await render(
                request, T + "activation_request.html", {"form": form, "throttled": True}, status_code=429
            )
        await services.count(request, ("activation_ip", ip))
        tenant = request.state.tenant
        async with tenant_db(request) as db:
            record = await service(tenant, VideotronBackend).find_account(db, number)
            # The per-account limit is counted silently: the page looks the same either way.
            quota_left = not await services.over_limit(request, ("activation_account", number))
            if record is not None and quota_left:
                await services.count(request, ("activation_account", number))
                if await services.holder_of(db, record.number) is None:
                    await send_activation(
                        db, tenant, record, actor="customer", request=request, requested_in=current_locale()
                    )
                    await db.commit()
        return redirect(request, "/videotron/activation/sent")
    return await render(request, T + "activation_request.html", {"form": form})


async def send_activation(
    db: AsyncSession,
    tenant: Tenant,
    record: AccountRecord,
    *,
    actor: str,
    request: Request | None = None,
    actor_id: int | None = None,
    requested_in: str | None = None,
) -> None:
    """Mail a 5-day activation link to the e-mail ON FILE of ``record`` (the caller commits).

    Used by the customer's request page and by operators (``portique videotron send-activation``).
    The mail is in the account's chosen language, else ``requested_in`` (the language of the
    customer's request page), else the tenant's default.
    """
    raw = await issue_token(db, ACTIVATION, valid_for=ACTIVATION_VALID_FOR, payload={"account": record.number})
    expires = utcnow() + ACTIVATION_VALID_FOR
    queue_mail(
        db,
        tenant,
        record.email_on_file,
        "videotron_business/activation",
        {"record": record, "path": f"/videotron/activate/{raw}", "expires_at": expires, **rules_context()},
        locale=mail_locale(tenant, record.locale, requested_in),
    )
    audit(
        db,
        "videotron_business.activation_sent",
        request=request,
        tenant_id=tenant.id,
        actor_type=actor,
        actor_id=actor_id,
        subject_type="account",
        subject_id=record.number,
    )


async def activation_sent(request: Request) -> Response:
    """The same answer for every account number."""
    return await render(request, T + "activation_sent.html", rules_context())


async def activate(request: Request) -> Response:
    """Register from the activation link: the account comes from the link, the e-mail is the one on file."""
    raw = request.path_params["token"]
    tenant = request.state.tenant
    async with tenant_db(request) as db:
        check = await check_token(db, raw, ACTIVATION)
        if not check.ok or check.token is None:
            return await link_problem(request, check.problem or TokenProblem.UNKNOWN)
        record = await service(tenant, VideotronBackend).find_account(db, check.token.payload.get("account", ""))
        if record is None:
            return await link_problem(request, TokenProblem.UNKNOWN)
        if await services.holder_of(db, record.number) is not None:
            return await link_problem(request, "registered")
        suggestion = suggest_username(record.email_on_file)
        form = await ActivationRegistrationForm.from_request(request, username=suggestion or "")
        context = {"form": form, "record": record, "suggestion": suggestion, **rules_context()}
        if request.method != "POST" or not form.validate():
            return await render(request, T + "register_activation.html", context)
        services.check_password_extras(tenant, form.password, email=record.email_on_file, username=form.username.data)
        if await username_taken(db, form.username.data):
            form.username.errors.append(_("This username is not available. Choose another one."))
        if form.username.errors or form.password.errors:
            return await render(request, T + "register_activation.html", context)
        if await find_user_by_email(db, record.email_on_file) is not None:
            return await link_problem(request, "email_in_use")
        used = await consume_token(db, raw, ACTIVATION)
        if not used.ok:
            return await link_problem(request, used.problem or TokenProblem.UNKNOWN)
        data = NewHolder(
            username=form.username.data,
            email=record.email_on_file,
            password=form.password.data,
            locale=current_locale(),
        )
        try:
            user = await services.register_holder(db, request, record, data, via="activation")
            await db.commit()
        except IntegrityError:  # another registration of this account won the race
            await db.rollback()
            return await link_problem(request, "registered")
    await sign_in(request, user, remember=False)
    flash(request, _("Welcome to your Business customer space. Your access is ready."), "success")
    return redirect(request, "/")


# -- registration without the activation e-mail -------------------------------------------------------


async def register(request: Request) -> Response:
    """Registration with account number and postal code; only the holder, once per account."""
    if await current_user(request) is not None:
        return redirect(request, "/")
    form = await HolderRegistrationForm.from_request(request)
    context = {"form": form, **rules_context()}
    template = T + "register.html"
    if request.method != "POST":
        return await render(request, template, context)
    if not form.validate():
        _suggest_username(form)
        return await render(request, template, context)
    tenant = request.state.tenant
    number = normalize_account_number(form.account_number.data)
    guard = (("register_ip", client_ip(request)), ("register_account", number))
    if await services.over_limit(request, *guard):
        form.account_number.errors.append(_("Too many unsuccessful attempts. Please try again in an hour."))
        return await render(request, template, context, status_code=429)
    await services.count(request, guard[0])  # every complete attempt from an address counts
    async with tenant_db(request) as db:
        record = await service(tenant, VideotronBackend).match_account(db, number, form.postal_code.data)
        if record is None:
            await services.count(request, guard[1])
            audit(db, "videotron_business.registration_mismatch", request=request, subject_type="account")
            await db.commit()
            form.account_number.errors.append(
                _(
                    "The account number and the postal code do not match our records. "
                    "Check them on your bill and try again."
                )
            )
            return await render(request, template, context)
        if await services.holder_of(db, record.number) is not None:
            await db.commit()
            form.account_number.errors.append(_already_registered())
            return await render(request, template, context)
        if not await _holder_details_accepted(db, tenant, form):
            return await render(request, template, context)
        owner = await find_user_by_email(db, form.email.data)
        if owner is not None:
            # The same answer as a new access (and the same hashing work); the address's owner is told.
            await hash_password(form.password.data)
            await answer_known_address(db, tenant, owner, request=request)
            await db.commit()
            return redirect(request, "/videotron/registered")
        data = NewHolder(
            username=form.username.data,
            email=form.email.data,
            password=form.password.data,
            locale=current_locale(),
        )
        try:
            user = await services.register_holder(db, request, record, data, via="registration")
        except IntegrityError:  # another registration of this account (or this username) won the race
            await db.rollback()
            form.account_number.errors.append(_already_registered())
            return await render(request, template, context)
        if normalize_email(record.email_on_file) != user.email_normalized:
            queue_mail(
                db,
                tenant,
                record.email_on_file,
                "videotron_business/registered_notice",
                {"record": record, "username": user.username},
                locale=_mail_locale(request, record.locale),
            )
        await db.commit()
    return redirect(request, "/videotron/registered")


def _already_registered() -> str:
    """The answer when the account already has its holder's access."""
    return _(
        "An online access already exists for this account: only the account holder may register, "
        "once. If you are a secondary user, ask the holder to add you under Your account."
    )


def _suggest_username(form: HolderRegistrationForm) -> None:
    """Under a refused username, propose the e-mail address's part before the @."""
    proposal = suggest_username(form.email.data or "")
    if form.username.errors and proposal and "@" not in (form.username.data or ""):
        form.username.errors.append(
            _(
                "Suggestion: %(suggestion)s (the part of your e-mail address before the @, because @ is not accepted).",
                suggestion=proposal,
            )
        )


async def _holder_details_accepted(db: AsyncSession, tenant: Tenant, form: HolderRegistrationForm) -> bool:
    """The tenant's password rules and a free username; errors go next to the fields."""
    services.check_password_extras(tenant, form.password, email=form.email.data, username=form.username.data)
    if await username_taken(db, form.username.data):
        form.username.errors.append(_("This username is not available. Choose another one."))
    return not (form.username.errors or form.email.errors or form.password.errors)


async def registered(request: Request) -> Response:
    """After registering: follow the link we sent to your e-mail address."""
    return await render(request, T + "registered.html", rules_context())


async def send_confirmation(db: AsyncSession, tenant: Tenant, user: User) -> bool | None:
    """``portique_send_confirmation``: a holder who registered with the account number gets the plugin's
    link (``/videotron/confirm/{token}``, 5 days), with the account it is for; ``None`` for anyone else."""
    number = (user.plugin_data or {}).get(services.PLUGIN, {}).get("account")
    record = await service(tenant, VideotronBackend).find_account(db, number) if number else None
    if record is None:
        return None
    await revoke_tokens(db, user, CONFIRM)
    raw = await issue_token(db, CONFIRM, valid_for=ACTIVATION_VALID_FOR, user=user)
    queue_mail(
        db,
        tenant,
        user.email,
        "videotron_business/confirm",
        {"user": user, "record": record, "path": f"/videotron/confirm/{raw}", **rules_context()},
        locale=user.locale,
    )
    return True


async def confirm(request: Request) -> Response:
    """Confirm the e-mail address typed at registration (GET shows a button, POST activates)."""
    raw = request.path_params["token"]
    async with tenant_db(request) as db:
        check = await (consume_token if request.method == "POST" else check_token)(db, raw, CONFIRM)
        if not check.ok or check.token is None or check.token.user_id is None:
            return await link_problem(request, check.problem or TokenProblem.UNKNOWN)
        user = await db.get(User, check.token.user_id)
        if user is None or user.status != UserStatus.PENDING_EMAIL:
            return await link_problem(request, TokenProblem.USED)
        if request.method != "POST":
            return await render(request, T + "confirm.html", {"pending": user})
        await confirm_email(db, request.state.tenant, user, request=request)
        await db.commit()
    await sign_in(request, user, remember=False)
    flash(request, _("Your e-mail address is confirmed. Welcome to your Business customer space."), "success")
    return redirect(request, "/")


async def username_check(request: Request) -> Response:
    """JSON for the live check: ``{"valid", "available", "errors"}`` (throttled per address)."""
    username = (request.query_params.get("username") or "").strip()[:200]
    if await services.over_limit(request, ("username_ip", client_ip(request))):
        return JSONResponse({"error": _("Too many attempts. Please wait a moment.")}, status_code=429)
    await services.count(request, ("username_ip", client_ip(request)))
    errors = username_errors(username)
    available = None
    if not errors:
        async with tenant_db(request) as db:
            available = not await username_taken(db, username)
    message = _("This username is available.") if available else ""
    if available is False:
        message = _("This username is not available. Choose another one.")
    return JSONResponse({"valid": not errors, "available": available, "errors": errors, "message": message})


# -- user management (holder only) -------------------------------------------------------------------


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
    return await render(request, T + "users.html", {"form": form, "people": people, "account": account})


async def _former_secondary(db: AsyncSession, account: Account, email: str) -> User | None:
    """A disabled user who was a secondary user of this account and belongs to no account any more."""
    user = await find_user_by_email(db, email)
    if user is None or user.status != UserStatus.DISABLED:
        return None
    if (user.plugin_data or {}).get(services.PLUGIN, {}).get("account") != account.number:
        return None
    still_member = await db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    return None if still_member else user


async def _may_invite(db: AsyncSession, account: Account, email: str) -> bool:
    """No one on the tenant uses this address, or only a former secondary user of this account."""
    return await find_user_by_email(db, email) is None or await _former_secondary(db, account, email) is not None


async def _invite(
    db: AsyncSession, request: Request, account: Account, *, first_name: str, last_name: str, email: str, entry: int
) -> User:
    """Invite a secondary user through the core's invitation, with Vidéotron's link (5 days) and mail."""
    tenant = request.state.tenant
    holder = await current_user(request)
    data = {services.PLUGIN: {"account": account.number, "authorized_user": entry, "role": "secondary"}}
    returning = await _former_secondary(db, account, email)
    if returning is not None:  # someone removed earlier from this account comes back: same identity, new invitation
        returning.status = UserStatus.INVITED
        returning.first_name, returning.last_name = first_name, last_name
        returning.password_hash = None
        returning.plugin_data = data
    letter = InvitationLetter(
        template="videotron_business/invitation",
        path="/videotron/invitation/{token}",
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
            return await render(request, T + "users.html", context, status_code=400)
        email = normalize_email(form.email.data)
        named = [p["person"] for p in people if normalize_email(p["person"].email) == email]
        if any(not person.eligible for person in named):
            form.email.errors.append(
                _("This person is a technical authorized user: technical users cannot access the customer space.")
            )
        elif any(person.user_id for person in named) or not await _may_invite(db, account, email):
            form.email.errors.append(_("This e-mail address cannot be invited. Enter another one."))
        if form.email.errors:
            return await render(request, T + "users.html", context, status_code=400)
        entry = (
            named[0]
            if named
            else await service(tenant, VideotronBackend).add_secondary_user(
                db, account.number, first_name=form.first_name.data, last_name=form.last_name.data, email=email
            )
        )
        await _invite(
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
        if person.user_id or not person.email or not await _may_invite(db, account, person.email):
            flash(request, _("This person cannot be invited. Add them with another e-mail address."), "error")
            return redirect_to(request, "videotron_users")
        await _invite(
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


# -- invitation of a secondary user ---------------------------------------------------------------------


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
            return await render(request, T + "invitation.html", context)
        services.check_password_extras(
            request.state.tenant, form.password, email=user.email, username=form.username.data
        )
        owner = await find_user_by_username(db, form.username.data)
        if owner is not None and owner.id != user.id:
            form.username.errors.append(_("This username is not available. Choose another one."))
        if form.username.errors or form.password.errors:
            return await render(request, T + "invitation.html", context)
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
        return redirect(request, "/login")
    await sign_in(request, user, remember=False)
    flash(request, _("Welcome to your Business customer space. Your access is ready."), "success")
    return redirect(request, "/")


def mask_email(email: str) -> str:
    """``marie.tremblay@example.com`` → ``m***@example.com`` (shown to staff and on screens)."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


async def console_activation(request: Request) -> Response:
    """Console (staff of the tenant): send the activation e-mail of an account to the address on file."""
    tenant = request.state.tenant
    form = await ActivationRequestForm.from_request(request)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.validate():
        staff = request.state.staff
        async with tenant_db(request) as db:
            record = await service(tenant, VideotronBackend).find_account(db, form.account_number.data)
            if record is None:
                form.account_number.errors.append(_("No account has this number in the registry."))
            elif await services.holder_of(db, record.number) is not None:
                form.account_number.errors.append(_("This account already has a registered holder."))
            else:
                await send_activation(db, tenant, record, actor="staff", request=request, actor_id=staff.id)
                await db.commit()
                flash(
                    request,
                    _(
                        "Activation e-mail for account %(number)s sent to the address on file (%(email)s).",
                        number=record.number,
                        email=mask_email(record.email_on_file),
                    ),
                    "success",
                )
                return redirect_to(request, "videotron_console_activation")
    return await render(request, T + "console_activation.html", context)


async def account_users(request: Request) -> Response:
    """The core's ``/account/users`` leads to the holder's User management on this tenant."""
    return redirect_to(request, "videotron_users")


def routes() -> list[BaseRoute]:
    """Every page of the plugin (``/register`` replaces the core's registration page on this tenant)."""
    return [
        RootRoute(
            "/console/videotron/activation",
            staff_required(console_activation),
            methods=["GET", "POST"],
            name="videotron_console_activation",
        ),
        RootRoute("/register", register, methods=["GET", "POST"], name="videotron_register"),
        Route("/activation", activation_request, methods=["GET", "POST"], name="videotron_activation_request"),
        Route("/activation/sent", activation_sent, name="videotron_activation_sent"),
        Route("/activate/{token}", activate, methods=["GET", "POST"], name="videotron_activate"),
        Route("/registered", registered, name="videotron_registered"),
        Route("/confirm/{token}", confirm, methods=["GET", "POST"], name="videotron_confirm"),
        Route("/username/check", username_check, name="videotron_username_check"),
        RootRoute("/account/users", account_users, name="videotron_account_users"),
        Route("/users", users, name="videotron_users"),
        Route("/users/add", users_add, methods=["POST"], name="videotron_users_add"),
        Route("/users/{entry:id}/invite", users_invite, methods=["POST"], name="videotron_users_invite"),
        Route("/users/{entry:id}/suspend", users_suspend, methods=["POST"], name="videotron_users_suspend"),
        Route("/users/{entry:id}/remove", users_remove, methods=["POST"], name="videotron_users_remove"),
        Route("/invitation/{token}", invitation, methods=["GET", "POST"], name="videotron_invitation"),
    ]
