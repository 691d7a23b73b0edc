"""Holder registration: without the activation e-mail (``/register``), and the holder's access itself.

The holder proves the account with its number and postal code, once per account. The live username
check (``/videotron/username/check``) serves this form and the other registration forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.api import (
    ACTIVE_AT_ONCE,
    Role,
    Tenant,
    User,
    answer_known_address,
    audit,
    client_ip,
    create_user,
    current_locale,
    current_user,
    find_user_by_email,
    get_or_create_account,
    grant_membership,
    hash_password,
    normalize_email,
    queue_mail,
    redirect_to,
    register_user,
    render,
    service,
    tenant_db,
    username_taken,
)
from core.api import gettext as _
from plugins.videotron_business import accounts, throttling
from plugins.videotron_business.backend import AccountRecord, VideotronBackend, normalize_account_number
from plugins.videotron_business.forms import HolderRegistrationForm, check_password_extras
from plugins.videotron_business.mailed_links import mail_locale, rules_context
from plugins.videotron_business.models import HolderRegistration
from plugins.videotron_business.rules import PLUGIN, suggest_username, username_errors


@dataclass
class NewHolder:
    """What a holder typed to register."""

    username: str
    email: str
    password: str
    locale: str


async def register_holder(
    db: AsyncSession, request: Request, record: AccountRecord, data: NewHolder, *, via: str
) -> User:
    """Create the holder's user, the account and the holder membership, then register it through the core
    (the ``registered`` event and audit entries; the caller commits).

    From the activation link (``via="activation"``) the address is the one on file: the access is active
    at once. Otherwise the core's confirmation flow sends the plugin's link (:func:`.activation.send_confirmation`).
    """
    user = await create_user(
        db,
        email=data.email,
        username=data.username,
        password=data.password,
        first_name=record.holder_first_name,
        last_name=record.holder_last_name,
        company=record.company,
        locale=data.locale,
        plugin_data={PLUGIN: {"account": record.number, "via": via, "role": "holder"}},
    )
    db.add(HolderRegistration(account_number=record.number, user_id=user.id))
    await db.flush()  # a concurrent registration of the same account fails here (IntegrityError)
    account = await get_or_create_account(db, record.number, name=record.company, address=record.service_address)
    await grant_membership(db, user, account, Role.HOLDER)
    audit(
        db,
        "videotron_business.holder_registered",
        request=request,
        actor_type="user",
        actor_id=user.id,
        subject_type="account",
        subject_id=record.number,
        via=via,
    )
    policy = ACTIVE_AT_ONCE if via == "activation" else None
    await register_user(db, request.state.tenant, user, request=request, data={"via": via}, policy=policy)
    return user


async def register(request: Request) -> Response:
    """Registration with account number and postal code; only the holder, once per account."""
    if await current_user(request) is not None:
        return redirect_to(request, "home")
    form = await HolderRegistrationForm.from_request(request)
    context = {"form": form, **rules_context()}
    template = "videotron_business/register.html"
    if request.method != "POST":
        return await render(request, template, context)
    if not form.validate():
        _suggest_username(form)
        return await render(request, template, context)
    tenant = request.state.tenant
    number = normalize_account_number(form.account_number.data)
    guard = (("register_ip", client_ip(request)), ("register_account", number))
    if await throttling.over_limit(request, *guard):
        form.account_number.errors.append(_("Too many unsuccessful attempts. Please try again in an hour."))
        return await render(request, template, context, status_code=429)
    await throttling.count(request, guard[0])  # every complete attempt from an address counts
    async with tenant_db(request) as db:
        record = await service(tenant, VideotronBackend).match_account(db, number, form.postal_code.data)
        if record is None:
            await throttling.count(request, guard[1])
            audit(db, "videotron_business.registration_mismatch", request=request, subject_type="account")
            await db.commit()
            form.account_number.errors.append(
                _(
                    "The account number and the postal code do not match our records. "
                    "Check them on your bill and try again."
                )
            )
            return await render(request, template, context)
        if await accounts.holder_of(db, record.number) is not None:
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
            return redirect_to(request, "videotron_registered")
        data = NewHolder(
            username=form.username.data,
            email=form.email.data,
            password=form.password.data,
            locale=current_locale(),
        )
        try:
            user = await register_holder(db, request, record, data, via="registration")
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
    return redirect_to(request, "videotron_registered")


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
    check_password_extras(tenant, form.password, email=form.email.data, username=form.username.data)
    if await username_taken(db, form.username.data):
        form.username.errors.append(_("This username is not available. Choose another one."))
    return not (form.username.errors or form.email.errors or form.password.errors)


def _mail_locale(request: Request, record_locale: str) -> str:
    """The language of a mail to the address on file of an account (see :func:`.mailed_links.mail_locale`)."""
    return mail_locale(request.state.tenant, record_locale, current_locale())


async def registered(request: Request) -> Response:
    """After registering: follow the link we sent to your e-mail address."""
    return await render(request, "videotron_business/registered.html", rules_context())


async def username_check(request: Request) -> Response:
    """JSON for the live check: ``{"valid", "available", "errors"}`` (throttled per address)."""
    username = (request.query_params.get("username") or "").strip()[:200]
    if await throttling.over_limit(request, ("username_ip", client_ip(request))):
        return JSONResponse({"error": _("Too many attempts. Please wait a moment.")}, status_code=429)
    await throttling.count(request, ("username_ip", client_ip(request)))
    errors = username_errors(username)
    available = None
    if not errors:
        async with tenant_db(request) as db:
            available = not await username_taken(db, username)
    message = _("This username is available.") if available else ""
    if available is False:
        message = _("This username is not available. Choose another one.")
    return JSONResponse({"valid": not errors, "available": available, "errors": errors, "message": message})
