"""Moving an account of the former Customer Area to the new portal (three steps, as the FAQ says).

1. The customer enters the e-mail of the old account (registration page or ``/omicron/migrate``).
2. A mail with a single-use link arrives (``core.api.issue_token``, purpose ``omicron_migrate``).
3. The link opens a page to complete the profile and choose a new password; the old username is kept.

On the registration page, the e-mail address alone is enough (the same answer whatever the address);
a whole form sent with a legacy address gets the answer of any registration and the migration mail.
What that form held comes along with the link: the profile pre-fills the last step, the serial
number is added to the devices, and the password (kept as an argon2 hash) becomes the new one when
the customer types it again on the last step, which no one else who opens the link can do.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError

from core.api import (
    ACTIVE_AT_ONCE,
    ActionToken,
    EmailAddress,
    PortiqueForm,
    Tenant,
    audit,
    check_token,
    consume_token,
    create_user,
    current_locale,
    find_user_by_email,
    find_user_by_username,
    flash,
    get_portal,
    gettext,
    hash_password,
    issue_token,
    lazy_gettext,
    page_path,
    page_url,
    password_problems,
    plugin_settings,
    queue_mail,
    redirect_to,
    register_user,
    render,
    service,
    sign_in,
    tenant_db,
    utcnow,
    verify_password,
)

from .backend import LegacyRecord, OmicronBackend
from .catalog import COUNTRY_CODES, country_choices
from .devices import add_device
from .settings import OmicronSettings

PURPOSE = "omicron_migrate"
RESEND_AFTER = timedelta(minutes=10)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


async def migration_candidate(db: AsyncSession, tenant: Tenant, email: str) -> LegacyRecord | None:
    """The legacy account of ``email`` if it still has to move (not migrated, no portal user yet)."""
    legacy = await service(tenant, OmicronBackend).find_legacy_account(db, email)
    if legacy is None or legacy.migrated or await find_user_by_email(db, email) is not None:
        return None
    return legacy


async def send_migration_mail(
    db: AsyncSession,
    tenant: Tenant,
    legacy: LegacyRecord,
    locale: str | None,
    registration: dict[str, Any] | None = None,
) -> bool:
    """Mail a migration link to the legacy address (at most one every 10 minutes); ``True`` when sent.

    ``registration`` is what a registration form sent with this address held (``profile``,
    ``serial``, ``password_hash``): it travels with the link, never a password in clear.
    """
    recent = await db.scalar(
        select(ActionToken.id).where(
            ActionToken.purpose == PURPOSE,
            ActionToken.used_at.is_(None),
            ActionToken.created_at > utcnow() - RESEND_AFTER,
            ActionToken.payload["legacy_id"].as_integer() == legacy.id,
        )
    )
    if recent is not None:
        return False
    days = plugin_settings(tenant, OmicronSettings).migration_link_days
    payload: dict[str, Any] = {"legacy_id": legacy.id, **(registration or {})}
    raw = await issue_token(db, PURPOSE, valid_for=timedelta(days=days), payload=payload)
    queue_mail(
        db,
        tenant,
        legacy.email,
        "omicron_registration/migrate",
        {
            "legacy": legacy,
            "link": page_url(tenant, "omicron_migrate_complete", token=raw),
            "days": days,
            "registered": registration is not None,
            "keeps_password": bool((registration or {}).get("password_hash")),
        },
        locale=locale,
    )
    audit(db, "omicron.migration_link_sent", tenant_id=tenant.id, subject_type="legacy_account", subject_id=legacy.id)
    return True


async def offer_migration(tenant: Tenant, email: str, locale: str | None) -> bool:
    """Send the migration mail in its own transaction; ``True`` when ``email`` has an account to move."""
    async with get_portal().database.session(tenant.id) as db:
        legacy = await migration_candidate(db, tenant, email)
        if legacy is None:
            return False
        await send_migration_mail(db, tenant, legacy, locale)
        await db.commit()
    return True


NEW_ACCOUNT_FIELDS = (
    "first_name",
    "last_name",
    "username",
    "company",
    "country",
    "serial_number",
    "password",
    "password_confirm",
)
"""Fields of the registration form that only a new account needs (left empty to move an old one)."""


def only_an_email(form: Any) -> bool:
    """The registration form was sent with a valid e-mail address and none of the fields of a new account."""
    if not form.email.data or form.email.errors:
        return False
    return not any(form[name].data for name in NEW_ACCOUNT_FIELDS if name in form)


async def divert_registration(tenant: Tenant, form: Any, db: AsyncSession) -> str | None:
    """The registration page's part in a migration (FAQ 1.9); the answer never tells a legacy address.

    * only an e-mail address: the migration mail goes out if the address has an account to move, and
      the page says "check your mailbox" in either case;
    * a whole, valid form with a legacy address: the migration mail, carrying what the form held, and
      the answer of any registration (the password is hashed as a new account's would be);
    * anything else: the registration goes on.
    """
    email = form.email.data
    if only_an_email(form):
        legacy = await migration_candidate(db, tenant, email)
        if legacy is not None:
            await send_migration_mail(db, tenant, legacy, current_locale())
        audit(db, "omicron.migration_requested", tenant_id=tenant.id, via="registration")
        return page_path(tenant, "omicron_migrate_sent")
    if any(field.errors for field in form):
        return None
    legacy = await migration_candidate(db, tenant, email)
    if legacy is None:
        return None
    registration = {
        "profile": {
            name: form[name].data for name in ("first_name", "last_name", "company", "country") if name in form
        },
        "serial": form.serial_number.data if "serial_number" in form else "",
        "password_hash": await hash_password(form.password.data),
    }
    await send_migration_mail(db, tenant, legacy, current_locale(), registration)
    audit(db, "omicron.migration_requested", tenant_id=tenant.id, via="registration_form")
    return "/register/done"


class MigrationRequestForm(PortiqueForm):
    """Step 1: the e-mail address of the former Customer Area account."""

    email = StringField(
        lazy_gettext("E-mail address of your former Customer Area account"),
        [InputRequired(message=lazy_gettext("Enter your e-mail address.")), Length(max=254), EmailAddress()],
        filters=[_strip],
    )


class MigrationForm(PortiqueForm):
    """Step 3: complete the profile and choose a new password."""

    first_name = StringField(
        lazy_gettext("First name"),
        [InputRequired(message=lazy_gettext("Enter your first name.")), Length(max=100)],
        filters=[_strip],
    )
    last_name = StringField(
        lazy_gettext("Last name"),
        [InputRequired(message=lazy_gettext("Enter your last name.")), Length(max=100)],
        filters=[_strip],
    )
    company = StringField(
        lazy_gettext("Company"),
        [InputRequired(message=lazy_gettext("Enter the name of your company.")), Length(max=200)],
        filters=[_strip],
    )
    country = SelectField(
        lazy_gettext("Country"), [InputRequired(message=lazy_gettext("Choose your country."))], choices=[]
    )
    password = PasswordField(
        lazy_gettext("New password"), [InputRequired(message=lazy_gettext("Choose a password.")), Length(max=256)]
    )
    password_confirm = PasswordField(
        lazy_gettext("Repeat the password"),
        [
            InputRequired(message=lazy_gettext("Repeat the password.")),
            EqualTo("password", message=lazy_gettext("The two passwords are not the same.")),
        ],
    )
    accept_terms = BooleanField(
        lazy_gettext("I accept the terms of use and the privacy policy"),
        [DataRequired(message=lazy_gettext("You must accept the terms of use to continue."))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", gettext("Choose…")), *country_choices()]

    def validate_country(self, field: Any) -> None:
        """Only the countries of the list."""
        if field.data not in COUNTRY_CODES:
            raise ValidationError(gettext("Choose your country from the list."))


class KeptPasswordMigrationForm(MigrationForm):
    """Step 3 after a whole registration form: the password typed there, once, or a new one, twice."""

    password = PasswordField(
        lazy_gettext("Password"),
        [InputRequired(message=lazy_gettext("Type your password.")), Length(max=256)],
        description=lazy_gettext(
            "To keep the password you chose on the registration form, type it once more. "
            "Or choose a new password and repeat it below."
        ),
    )
    password_confirm = PasswordField(
        lazy_gettext("Repeat the new password"),
        [Optional(), EqualTo("password", message=lazy_gettext("The two passwords are not the same."))],
        description=lazy_gettext("Only if you choose a new password."),
    )


def _password_problems(tenant: Tenant, password: str, email: str, username: str) -> list[str]:
    """The core's password rules (tenant policy, common passwords, personal data)."""

    return password_problems(tenant, password, email=email, username=username)


async def request_page(request: Request) -> Response:
    """``/omicron/migrate``: ask for the migration link (the same answer whatever the address)."""
    tenant = request.state.tenant
    form = await MigrationRequestForm.from_request(request)
    if request.method == "POST" and form.validate():
        await offer_migration(tenant, form.email.data, current_locale())
        async with tenant_db(request) as db:
            audit(db, "omicron.migration_requested", request=request)
            await db.commit()
        return await render(request, "omicron_registration/migrate_sent.html", {"email": form.email.data})
    return await render(request, "omicron_registration/migrate_request.html", {"form": form})


async def sent_page(request: Request) -> Response:
    """``/omicron/migrate/sent``: "check your mailbox" after an e-mail address alone on the registration page."""
    return await render(request, "omicron_registration/migrate_sent.html", {"from_registration": True})


async def complete_page(request: Request) -> Response:
    """``/omicron/migrate/{token}``: complete the profile; the account lands in the portal, username kept."""
    tenant = request.state.tenant
    raw = request.path_params["token"]
    async with tenant_db(request) as db:
        check = await check_token(db, raw, PURPOSE)
        legacy = None
        payload: dict[str, Any] = {}
        if check.ok and check.token is not None:
            payload = dict(check.token.payload or {})
            legacy = await _legacy_by_id(db, tenant, int(payload.get("legacy_id", 0)))
        if legacy is None or legacy.migrated:
            problem = str(check.problem) if check.problem else "used"
            return await render(
                request, "omicron_registration/migrate_invalid.html", {"problem": problem}, status_code=410
            )
        typed = {key: value for key, value in (payload.get("profile") or {}).items() if value}
        defaults = {
            "first_name": legacy.first_name,
            "last_name": legacy.last_name,
            "company": legacy.company,
            "country": legacy.country,
            **typed,
        }
        registered_hash = payload.get("password_hash")
        form_class = KeptPasswordMigrationForm if registered_hash else MigrationForm
        form = await form_class.from_request(request, data=defaults)
        context = {"form": form, "legacy": legacy, "keeps_password": bool(registered_hash)}
        if request.method != "POST" or not form.validate():
            return await render(request, "omicron_registration/migrate_complete.html", context)
        keeps = bool(registered_hash) and not form.password_confirm.data
        if keeps and not await verify_password(str(registered_hash), form.password.data):
            form.password.errors = [
                gettext(
                    "This is not the password you chose on the registration form. Type it again, or choose "
                    "a new password and repeat it."
                )
            ]
            return await render(request, "omicron_registration/migrate_complete.html", context)
        problems = _password_problems(tenant, form.password.data, legacy.email, legacy.username)
        if problems:
            form.password.errors = list(problems)
            return await render(request, "omicron_registration/migrate_complete.html", context)
        taken = await find_user_by_username(db, legacy.username)
        if taken is not None or await find_user_by_email(db, legacy.email) is not None:
            return await render(
                request, "omicron_registration/migrate_invalid.html", {"problem": "conflict"}, status_code=409
            )
        await consume_token(db, raw, PURPOSE)
        user = await create_user(
            db,
            email=legacy.email,
            password=form.password.data,
            username=legacy.username,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            company=form.company.data,
            locale=current_locale(),
            plugin_data={"omicron_registration": {"country": form.country.data, "migrated_from": legacy.id}},
        )
        await service(tenant, OmicronBackend).mark_migrated(db, legacy.id, user.id)
        # The migration link went to the account's address, which the former Customer Area had
        # confirmed: active at once. The ``registered`` event puts the user in the company's account.
        data = {"via": "migration", "company": user.company}
        await register_user(db, tenant, user, request=request, data=data, policy=ACTIVE_AT_ONCE)
        audit(
            db,
            "omicron.account_migrated",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="user",
            subject_id=user.id,
            username=legacy.username,
            kept_registration_password=keeps,
        )
        serial = str(payload.get("serial") or "")
        outcome = await add_device(db, tenant, user, serial, request=request) if serial else ""
        await db.commit()
        await sign_in(request, user, remember=False)
    if outcome == "added":
        flash(request, gettext("The device %(serial)s was added.", serial=serial), "success")
    elif outcome == "pending":
        flash(
            request,
            gettext(
                "We could not verify %(serial)s automatically. OMICRON will check it; this can take some time.",
                serial=serial,
            ),
            "warning",
        )
    return redirect_to(request, "omicron_welcome")


async def _legacy_by_id(db: AsyncSession, tenant: Tenant, legacy_id: int) -> LegacyRecord | None:
    from .models import LegacyAccount

    row = await db.scalar(select(LegacyAccount).where(LegacyAccount.id == legacy_id))
    if row is None:
        return None
    return await service(tenant, OmicronBackend).find_legacy_account(db, row.email)
