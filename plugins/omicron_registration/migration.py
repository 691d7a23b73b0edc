"""Moving an account of the former Customer Area to the new portal (three steps, as the FAQ says).

1. The customer enters the e-mail of the old account (registration page or ``/omicron/migrate``).
2. A mail with a single-use link arrives (``core.api.issue_token``, purpose ``omicron_migrate``).
3. The link opens a page to complete the profile and choose a new password; the old username is kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from core.api import (
    ActionToken,
    EmailAddress,
    PortiqueForm,
    Tenant,
    UserStatus,
    audit,
    check_token,
    consume_token,
    create_user,
    current_locale,
    find_user_by_email,
    find_user_by_username,
    get_portal,
    gettext,
    issue_token,
    lazy_gettext,
    password_problems,
    queue_mail,
    redirect,
    render,
    sign_in,
    tenant_db,
    utcnow,
)

from .accounts import join_company
from .backend import LegacyRecord, backend_for
from .catalog import COUNTRY_CODES, country_choices
from .settings import plugin_settings

PURPOSE = "omicron_migrate"
RESEND_AFTER = timedelta(minutes=10)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


async def migration_candidate(db: AsyncSession, tenant: Tenant, email: str) -> LegacyRecord | None:
    """The legacy account of ``email`` if it still has to move (not migrated, no portal user yet)."""
    legacy = await backend_for(tenant).find_legacy_account(db, email)
    if legacy is None or legacy.migrated or await find_user_by_email(db, email) is not None:
        return None
    return legacy


async def legacy_username_reserved(db: AsyncSession, username: str, email: str) -> bool:
    """``username`` belongs to a legacy account (of another address) that has not moved yet."""
    from .models import LegacyAccount

    row = await db.scalar(
        select(LegacyAccount).where(
            func.lower(LegacyAccount.username) == username.strip().lower(), LegacyAccount.migrated_at.is_(None)
        )
    )
    return row is not None and row.email_normalized != email.strip().lower()


async def send_migration_mail(db: AsyncSession, tenant: Tenant, legacy: LegacyRecord, locale: str | None) -> bool:
    """Mail a migration link to the legacy address (at most one every 10 minutes); ``True`` when sent."""
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
    days = plugin_settings(tenant).migration_link_days
    raw = await issue_token(db, PURPOSE, valid_for=timedelta(days=days), payload={"legacy_id": legacy.id})
    queue_mail(
        db,
        tenant,
        legacy.email,
        "omicron_registration/migrate",
        {
            "legacy": legacy,
            "link": get_portal().tenant_url(tenant, f"/omicron/migrate/{raw}"),
            "days": days,
        },
        locale=locale,
    )
    audit(db, "omicron.migration_link_sent", tenant_id=tenant.id, subject_type="legacy_account", subject_id=legacy.id)
    return True


async def offer_migration(tenant: Tenant, email: str, locale: str | None) -> bool:
    """Send the migration mail in its own transaction (the registration form is refused meanwhile)."""
    async with get_portal().database.session(tenant.id) as db:
        legacy = await migration_candidate(db, tenant, email)
        if legacy is None:
            return False
        await send_migration_mail(db, tenant, legacy, locale)
        await db.commit()
    return True


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


def _password_problems(tenant: Tenant, password: str, email: str, username: str) -> list[str]:
    """The core's password rules (tenant policy, common passwords, personal data)."""

    return password_problems(tenant, password, email=email, username=username)


async def _sign_in(request: Request, user: Any) -> None:

    await sign_in(request, user, remember=False)


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


async def complete_page(request: Request) -> Response:
    """``/omicron/migrate/{token}``: complete the profile; the account lands in the portal, username kept."""
    tenant = request.state.tenant
    raw = request.path_params["token"]
    async with tenant_db(request) as db:
        check = await check_token(db, raw, PURPOSE)
        legacy = None
        if check.ok and check.token is not None:
            legacy = await _legacy_by_id(db, tenant, int(check.token.payload.get("legacy_id", 0)))
        if legacy is None or legacy.migrated:
            problem = str(check.problem) if check.problem else "used"
            return await render(
                request, "omicron_registration/migrate_invalid.html", {"problem": problem}, status_code=410
            )
        defaults = {
            "first_name": legacy.first_name,
            "last_name": legacy.last_name,
            "company": legacy.company,
            "country": legacy.country,
        }
        form = await MigrationForm.from_request(request, data=defaults)
        context = {"form": form, "legacy": legacy}
        if request.method != "POST" or not form.validate():
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
            status=UserStatus.ACTIVE,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            company=form.company.data,
            locale=current_locale(),
            plugin_data={"omicron_registration": {"country": form.country.data, "migrated_from": legacy.id}},
        )
        user.confirmed_at = utcnow()
        await join_company(db, user, user.company)
        await backend_for(tenant).mark_migrated(db, legacy.id, user.id)
        audit(
            db,
            "omicron.account_migrated",
            request=request,
            actor_type="user",
            actor_id=user.id,
            subject_type="user",
            subject_id=user.id,
            username=legacy.username,
        )
        await db.commit()
        await _sign_in(request, user)
    return redirect(request, "/omicron/welcome")


async def _legacy_by_id(db: AsyncSession, tenant: Tenant, legacy_id: int) -> LegacyRecord | None:
    from .models import LegacyAccount

    row = await db.scalar(select(LegacyAccount).where(LegacyAccount.id == legacy_id))
    if row is None:
        return None
    return await backend_for(tenant).find_legacy_account(db, row.email)
