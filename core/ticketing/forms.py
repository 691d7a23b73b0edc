"""The form of a ticket category (built from its fields), the reply form, and attachment checks."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from starlette.datastructures import FormData, UploadFile
from wtforms import DateField, MultipleFileField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.i18n import gettext as _
from core.i18n import lazy_gettext, ngettext
from core.mail.addresses import is_email_address
from core.tenancy.models import Tenant
from core.ticketing.attachments import ArchiveTooLargeError, Limits, inspect, safe_filename
from core.ticketing.categories import TicketCategory, TicketField
from core.ticketing.service import Upload
from core.web.forms import PortiqueForm

DECIMAL = re.compile(r"-?[0-9]{1,15}(?:[.,][0-9]{1,6})?")
ACCOUNT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,39}$")
FIELD_PREFIX = "f_"
READ_CHUNK = 64 * 1024


def _check_email(_form: Any, field: Any) -> None:
    if field.data and not is_email_address(field.data):
        raise ValidationError(_("Enter a valid e-mail address, like name@example.com."))


def _check_number(_form: Any, field: Any) -> None:
    # ASCII digits with an optional sign and decimals: float() would also take "nan", "1e309" or "١٢".
    if field.data and not DECIMAL.fullmatch(field.data.replace(" ", "").replace("\u00a0", "")):
        raise ValidationError(_("Enter a number."))


def _check_account(_form: Any, field: Any) -> None:
    if field.data and not ACCOUNT_NUMBER.match(field.data.strip()):
        raise ValidationError(_("Enter the number as it appears on your documents (letters, digits and dashes)."))


def _phone_check(region: str) -> Any:
    def check(_form: Any, field: Any) -> None:
        if not field.data:
            return
        try:
            number = phonenumbers.parse(field.data, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_("Enter a valid phone number."))
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return check


class ContactFields(PortiqueForm):
    """Name and e-mail of a signed-out visitor."""

    name = StringField(lazy_gettext("Your name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(lazy_gettext("Your e-mail address"), validators=[DataRequired(), Length(max=254), _check_email])


class TicketBaseForm(PortiqueForm):
    """Subject and description of every ticket."""

    subject = StringField(lazy_gettext("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        lazy_gettext("Description"),
        validators=[DataRequired(), Length(max=10_000)],
        description=lazy_gettext("You may use *emphasis*, **bold**, lists and links."),
    )
    attachments = MultipleFileField(lazy_gettext("Attachments"))


def _wtforms_field(spec: TicketField, tenant: Tenant) -> Any:
    validators: list[Any] = [InputRequired() if spec.required else Optional()]
    kwargs: dict[str, Any] = {"description": spec.help or ""}
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=[*validators, Length(max=5000)], **kwargs)
    if spec.kind == "choice":
        choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(value, str(label)) for value, label in spec.choices]
        valid = [value for value, _label in spec.choices]

        def in_choices(_form: Any, field: Any) -> None:
            if field.data and field.data not in valid:
                raise ValidationError(_("Choose one of the options."))

        return SelectField(
            spec.label, choices=choices, validators=[*validators, in_choices], validate_choice=False, **kwargs
        )
    if spec.kind == "date":
        return DateField(spec.label, validators=validators, **kwargs)
    checks = {
        "number": [_check_number],
        "email": [_check_email],
        "phone": [_phone_check(tenant.country or "CA")],
        "account_number": [_check_account],
    }.get(spec.kind, [])
    return StringField(spec.label, validators=[*validators, Length(max=200), *checks], **kwargs)


def category_form(category: TicketCategory, tenant: Tenant, *, anonymous: bool) -> type[TicketBaseForm]:
    """A form class for opening a ticket in ``category`` (contact fields for visitors)."""
    attrs: dict[str, Any] = {}
    if anonymous:
        attrs["name"] = ContactFields.name
        attrs["email"] = ContactFields.email
    for spec in category.fields:
        attrs[FIELD_PREFIX + spec.name] = _wtforms_field(spec, tenant)
    return type(f"TicketForm_{category.code}", (TicketBaseForm,), attrs)


def field_values(form: TicketBaseForm, category: TicketCategory) -> dict[str, object]:
    """The category fields' answers, JSON-ready (dates as ISO strings, blanks dropped)."""
    values: dict[str, object] = {}
    for spec in category.fields:
        data = form[FIELD_PREFIX + spec.name].data
        if data in (None, ""):
            continue
        values[spec.name] = data.isoformat() if hasattr(data, "isoformat") else str(data).strip()
    return values


def category_fields(form: TicketBaseForm, category: TicketCategory) -> list[Any]:
    """The bound WTForms fields of the category, in order (for the template)."""
    return [form[FIELD_PREFIX + spec.name] for spec in category.fields]


class ReplyForm(PortiqueForm):
    """A customer's reply to their ticket."""

    body = TextAreaField(lazy_gettext("Your message"), validators=[DataRequired(), Length(max=10_000)])
    attachments = MultipleFileField(lazy_gettext("Attachments"))


async def read_uploads(formdata: FormData, field: Any, limits: Limits) -> list[Upload] | None:
    """Check the files of ``field`` (count, size, type by content); errors go on the field, ``None`` then."""
    files = [f for f in formdata.getlist(field.name) if isinstance(f, UploadFile) and f.filename]
    if len(files) > limits.max_count:
        field.errors = [
            ngettext(
                "You can attach at most %(num)s file. Please choose it again.",
                "You can attach at most %(num)s files. Please choose them again.",
                limits.max_count,
            )
        ]
        return None
    uploads: list[Upload] = []
    errors: list[str] = []
    for upload in files:
        checked = await check_file(upload.filename or "", await upload.read(limits.max_bytes + 1), limits)
        if isinstance(checked, Upload):
            uploads.append(checked)
        else:
            errors.append(checked)
    if errors:
        errors.append(_("Please choose your files again; what you typed has been kept."))
        field.errors = errors
        return None
    return uploads


async def check_file(filename: str, content: bytes, limits: Limits) -> Upload | str:
    """One file through the size and type checks (by content): the :class:`Upload`, or why it is refused.

    The web forms and replies by e-mail share it.
    """
    if len(content) > limits.max_bytes:
        return _("“%(name)s” is larger than %(size)s MB.", name=filename, size=limits.max_megabytes)
    try:
        detected = await inspect(content)
    except ArchiveTooLargeError:
        return _("“%(name)s” is an archive with too many files in it, or too large once unpacked.", name=filename)
    if detected is None:
        return _("“%(name)s” is not an accepted type (PDF, image, Word, Excel or text).", name=filename)
    mime, ext = detected
    return Upload(filename=safe_filename(filename, ext), content_type=mime, content=content)
