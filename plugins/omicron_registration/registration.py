"""Registration on the OMICRON tenant: the extra fields, serial-number checks and the activation decision."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import Form, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from core.api import (
    ActivationPolicy,
    PortiqueForm,
    RegistrationForm,
    SessionPolicy,
    Tenant,
    User,
    UsernamePolicy,
    UserStatus,
    audit,
    gettext,
    lazy_gettext,
    length_rule,
    normalize_email,
    plugin_settings,
    regex_rule,
    service,
    utcnow,
)

from .backend import OmicronBackend, SerialCheck, SerialStatus, normalize_serial, serial_format_ok
from .catalog import COUNTRY_CODES, country_choices
from .legacy import legacy_username_reserved
from .settings import NAME, OmicronSettings

REMEMBER_FOR = timedelta(hours=12)


def _serial_filter(value: Any) -> Any:
    return normalize_serial(value) if isinstance(value, str) else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class SerialNumber:
    """WTForms validator: the rating-plate format ``AB123Z`` (after normalisation)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not serial_format_ok(field.data):
            raise ValidationError(
                gettext("The serial number has two letters, three digits and one letter, for example AB123Z.")
            )


def serial_field() -> StringField:
    """The serial-number field (shared by the registration form and "add a device")."""
    return StringField(
        lazy_gettext("Serial number of one of your devices"),
        [InputRequired(message=lazy_gettext("Enter the serial number of one of your devices.")), SerialNumber()],
        filters=[_serial_filter],
        description=lazy_gettext(
            "Six characters (format AB123Z), printed on the rating plate of your device next to “S/N”."
        ),
    )


class OmicronFields(PortiqueForm):
    """The fields OMICRON adds to the core registration form: company, country, serial number."""

    company = StringField(
        lazy_gettext("Company"),
        [InputRequired(message=lazy_gettext("Enter the name of your company.")), Length(max=200)],
        filters=[_strip],
    )
    country = SelectField(
        lazy_gettext("Country"),
        [InputRequired(message=lazy_gettext("Choose your country."))],
        choices=[],
        validate_choice=False,
    )
    serial_number = serial_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", gettext("Choose…")), *country_choices()]

    def validate_country(self, field: Any) -> None:
        """Only the countries OMICRON serves through this portal."""
        if field.data and field.data not in COUNTRY_CODES:
            raise ValidationError(gettext("Choose your country from the list."))


@cache
def registration_form_class() -> type[Form]:
    """The core registration form with OMICRON's fields (built once the core form exists)."""

    return type("OmicronRegistrationForm", (RegistrationForm, OmicronFields), {})


def approval_payload(check: SerialCheck, company: str, country: str) -> dict[str, str]:
    """What the operator sees in the approvals queue: the registry match of the serial number."""
    reasons = {
        "known": "in the registry, not claimed by another company",
        "unknown": "not in the registry",
        "claimed_elsewhere": "already registered by another company",
        "owner_mismatch": "the registry names another owner company",
    }
    payload = {
        "Serial number": check.serial,
        "Registry": reasons[str(check.status)],
        "Product": check.product or "-",
        "Registry owner": check.owner_company or "-",
        "Already claimed by": ", ".join(check.other_companies) or "-",
        "Company entered": company,
        "Country entered": country,
    }
    if check.status == SerialStatus.UNKNOWN:
        payload["After approval"] = (
            "the serial number waits for the registry: import it (Imports, Devices sold) and it becomes "
            "the customer's device; the customer is told by e-mail"
        )
    return payload


async def validate_registration(tenant: Tenant, form: Any, db: AsyncSession) -> dict[str, Any] | None:
    """Check the serial number against the registry; the answer decides the activation path.

    (An e-mail address of the former Customer Area never gets here: ``divert_registration`` sends
    it the migration mail.) Usernames of accounts still waiting for migration stay reserved for them.
    """
    email = (form.email.data or "").strip()
    if email:
        await release_expired_registration(db, tenant, email)
    username = form.username.data if "username" in form else None
    if username and await legacy_username_reserved(db, username, email):
        form.username.errors = [*form.username.errors, gettext("This username is not available. Choose another one.")]
        return None
    serial = normalize_serial(form.serial_number.data or "")
    if not serial_format_ok(serial):
        return None
    company = (form.company.data or "").strip()
    country = form.country.data or ""
    check = await service(tenant, OmicronBackend).check_serial(db, serial, company)
    return {
        NAME: {"serial": serial, "company": company, "country": country, "serial_check": check.as_dict()},
        "approval": approval_payload(check, company, country),
    }


async def release_expired_registration(db: AsyncSession, tenant: Tenant, email: str) -> bool:
    """Forget an unconfirmed registration of ``email`` older than the confirmation period (FAQ 1.5).

    The address can then register again, with the new form's data; ``True`` when one was released.
    """
    limit = utcnow() - timedelta(days=plugin_settings(tenant, OmicronSettings).confirmation_days)
    stale = await db.scalar(
        select(User).where(
            User.email_normalized == normalize_email(email),
            User.status == UserStatus.PENDING_EMAIL,
            User.created_at <= limit,
        )
    )
    if stale is None:
        return False
    await db.execute(delete(User).where(User.id == stale.id))
    audit(db, "omicron.expired_registration_released", tenant_id=tenant.id, subject_type="user", subject_id=stale.id)
    db.expunge(stale)
    return True


def needs_operator(tenant: Tenant, user: User | None) -> bool:
    """Whether an operator must approve ``user`` under the tenant's rule (``None``: may one have to?)."""
    rule = plugin_settings(tenant, OmicronSettings).activation_rule
    if rule == "manual":
        return True
    if rule == "automatic":
        return False
    if user is None:
        return True
    check = ((user.plugin_data or {}).get(NAME) or {}).get("serial_check") or {}
    return check.get("status") != "known"


def activation_policy(tenant: Tenant, user: User | None) -> ActivationPolicy:
    """14-day e-mail confirmation, then an operator only when the serial-number rule fails."""
    settings = plugin_settings(tenant, OmicronSettings)
    return ActivationPolicy(
        email_confirmation=True,
        confirmation_valid_for=timedelta(days=settings.confirmation_days),
        operator_approval=needs_operator(tenant, user),
        offer_resend=True,
        expired_help=lazy_gettext(
            "If the link still does not work, write to customer care with a screenshot of the error message."
        ),
    )


def _suggest_username(email: str) -> str | None:
    local = email.split("@", 1)[0].lower()
    cleaned = "".join(c for c in local if c.isalnum() or c in "._-")[:30]
    return cleaned if len(cleaned) >= 3 else None


def username_policy() -> UsernamePolicy:
    """Usernames are used (login by username or e-mail): 3–30 letters, digits, dots, dashes, underscores."""
    return UsernamePolicy(
        enabled=True,
        rules=(
            length_rule("length", 3, 30, lazy_gettext("Use 3 to 30 characters.")),
            regex_rule(
                "characters",
                r"^[A-Za-z0-9._-]*$",
                lazy_gettext("Use only letters without accents, digits, dots, dashes and underscores."),
            ),
            regex_rule("starts_with_letter", r"^[A-Za-z]", lazy_gettext("Start with a letter.")),
        ),
        suggest=_suggest_username,
        help_text=lazy_gettext("You can sign in with your username or your e-mail address."),
    )


def session_policy() -> SessionPolicy:
    """ "Stay signed in" lasts 12 hours, as the FAQ promises."""
    return SessionPolicy(remember_for=REMEMBER_FOR, idle_timeout=timedelta(hours=2), absolute_timeout=REMEMBER_FOR)
