"""The activation e-mail and the holder's e-mailed links.

A visitor asks for the activation e-mail (``/videotron/activation``) or staff send it from the console
(``/console/videotron/activation``); the holder registers from its link (``/videotron/activate/{token}``).
A holder who registered without it confirms the typed address (``/videotron/confirm/{token}``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from core.api import (
    Tenant,
    TokenProblem,
    User,
    UserStatus,
    audit,
    check_token,
    client_ip,
    confirm_email,
    consume_token,
    current_locale,
    find_user_by_email,
    flash,
    issue_token,
    page_url,
    queue_mail,
    redirect_to,
    render,
    revoke_tokens,
    service,
    sign_in,
    tenant_db,
    username_taken,
    utcnow,
)
from core.api import gettext as _
from plugins.videotron_business import accounts, throttling
from plugins.videotron_business.backend import AccountRecord, VideotronBackend, normalize_account_number
from plugins.videotron_business.forms import ActivationRegistrationForm, ActivationRequestForm, check_password_extras
from plugins.videotron_business.mailed_links import link_problem, mail_locale, rules_context
from plugins.videotron_business.registration import NewHolder, register_holder
from plugins.videotron_business.rules import ACTIVATION, ACTIVATION_VALID_FOR, CONFIRM, PLUGIN, suggest_username


async def activation_request(request: Request) -> Response:
    """Ask for the activation e-mail with the account number; the answer never reveals if it exists."""
    form = await ActivationRequestForm.from_request(request)
    if request.method == "POST" and form.validate():
        number = normalize_account_number(form.account_number.data)
        ip = client_ip(request)
        if await throttling.over_limit(request, ("activation_ip", ip)):
            return await render(
                request,
                "videotron_business/activation_request.html",
                {"form": form, "throttled": True},
                status_code=429,
            )
        await throttling.count(request, ("activation_ip", ip))
        tenant = request.state.tenant
        async with tenant_db(request) as db:
            record = await service(tenant, VideotronBackend).find_account(db, number)
            # The per-account limit is counted silently: the page looks the same either way.
            quota_left = not await throttling.over_limit(request, ("activation_account", number))
            if record is not None and quota_left:
                await throttling.count(request, ("activation_account", number))
                if await accounts.holder_of(db, record.number) is None:
                    await send_activation(
                        db, tenant, record, actor="customer", request=request, requested_in=current_locale()
                    )
                    await db.commit()
        return redirect_to(request, "videotron_activation_sent")
    return await render(request, "videotron_business/activation_request.html", {"form": form})


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
        {
            "record": record,
            "link": page_url(tenant, "videotron_activate", token=raw),
            "expires_at": expires,
            **rules_context(),
        },
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
    return await render(request, "videotron_business/activation_sent.html", rules_context())


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
        if await accounts.holder_of(db, record.number) is not None:
            return await link_problem(request, "registered")
        suggestion = suggest_username(record.email_on_file)
        form = await ActivationRegistrationForm.from_request(request, username=suggestion or "")
        context = {"form": form, "record": record, "suggestion": suggestion, **rules_context()}
        if request.method != "POST" or not form.validate():
            return await render(request, "videotron_business/register_activation.html", context)
        check_password_extras(tenant, form.password, email=record.email_on_file, username=form.username.data)
        if await username_taken(db, form.username.data):
            form.username.errors.append(_("This username is not available. Choose another one."))
        if form.username.errors or form.password.errors:
            return await render(request, "videotron_business/register_activation.html", context)
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
            user = await register_holder(db, request, record, data, via="activation")
            await db.commit()
        except IntegrityError:  # another registration of this account won the race
            await db.rollback()
            return await link_problem(request, "registered")
    await sign_in(request, user, remember=False)
    flash(request, _("Welcome to your Business customer space. Your access is ready."), "success")
    return redirect_to(request, "home")


async def send_confirmation(db: AsyncSession, tenant: Tenant, user: User) -> bool | None:
    """``portique_send_confirmation``: a holder who registered with the account number gets the plugin's
    link (``/videotron/confirm/{token}``, 5 days), with the account it is for; ``None`` for anyone else."""
    number = (user.plugin_data or {}).get(PLUGIN, {}).get("account")
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
        {"user": user, "record": record, "link": page_url(tenant, "videotron_confirm", token=raw), **rules_context()},
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
            return await render(request, "videotron_business/confirm.html", {"pending": user})
        await confirm_email(db, request.state.tenant, user, request=request)
        await db.commit()
    await sign_in(request, user, remember=False)
    flash(request, _("Your e-mail address is confirmed. Welcome to your Business customer space."), "success")
    return redirect_to(request, "home")


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
            elif await accounts.holder_of(db, record.number) is not None:
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
    return await render(request, "videotron_business/console_activation.html", context)
