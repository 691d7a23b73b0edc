"""The signed access-request form (create an account, add or remove users) and the ordering forms."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.api import EmailAddress, PortiqueForm, WholeNumberField, lazy_gettext

MAX_USERS = 25
POSTAL_CODE = re.compile(r"^([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])([0-9][ABCEGHJ-NPRSTV-Z][0-9])$")

YES_NO = [("yes", lazy_gettext("Yes")), ("no", lazy_gettext("No"))]
PLATFORMS = [
    ("lumen_app", lazy_gettext("Lumen.ca & mobile app")),
    ("cmeq", lazy_gettext("Lumen.ca via CMEQ management")),
    ("eleknet", lazy_gettext("ElekNet via ACCEO")),
]
ACTIONS = [
    ("create", lazy_gettext("Create an e-commerce account")),
    ("add", lazy_gettext("Add one or more users to an existing e-commerce account")),
    ("modify", lazy_gettext("Modify one or more users (permissions, name or e-mail)")),
    ("remove", lazy_gettext("Remove one or more users")),
    ("recover", lazy_gettext("Recover a forgotten password")),
]
USER_PERMISSIONS = [
    ("order", lazy_gettext("Place orders")),
    ("approval", lazy_gettext("Place orders for approval")),
    ("prices", lazy_gettext("See prices only (cannot place orders)")),
]


def normalize_postal_code(value: str) -> str | None:
    """A Canadian postal code as ``H2X 1Y4``, or ``None`` when it is not one."""
    compact = re.sub(r"[\s-]", "", value or "").upper()
    match = POSTAL_CODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def normalize_phone(value: str) -> str | None:
    """A Canadian phone number in E.164 (``+15145550123``), or ``None`` when it is not one."""
    try:
        parsed = phonenumbers.parse(value or "", "CA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.region_code_for_number(parsed) != "CA":
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]  # WTForms ships no type hints
    """A group of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


REQUIRED = lazy_gettext("This field is required.")


def _choices(pairs: list[tuple[str, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class FilledBlockRequired:
    """Marks a user-block field as required (star, ``required`` flag); the check itself runs in
    ``service.check_request``, because only the blocks the user filled in count."""

    field_flags = {"required": True}  # noqa: RUF012 - WTForms reads this class attribute

    def __call__(self, form: Any, field: Any) -> None:
        return None


class UserBlockForm(PortiqueForm):
    """One user of the request: name, e-mail and what they may do (for a modification: who it is today)."""

    current_email = StringField(
        lazy_gettext("E-mail address of the user today"),
        validators=[
            Optional(),
            Length(max=254),
            EmailAddress(message=lazy_gettext("Enter a valid e-mail address, like name@company.ca.")),
        ],
        description=lazy_gettext(
            "Only to modify a user: the address the user signs in with today. Leave it empty when it does not change."
        ),
    )
    first_name = StringField(lazy_gettext("First name"), validators=[FilledBlockRequired(), Length(max=100)])
    last_name = StringField(lazy_gettext("Last name"), validators=[FilledBlockRequired(), Length(max=100)])
    email = StringField(
        lazy_gettext("E-mail"),
        validators=[
            FilledBlockRequired(),
            Length(max=254),
            EmailAddress(message=lazy_gettext("Enter a valid e-mail address, like name@company.ca.")),
        ],
    )
    permission = RadioField(
        lazy_gettext("What is this user authorised to do?"),
        choices=_choices(USER_PERMISSIONS),
        validate_choice=False,
        validators=[FilledBlockRequired()],
    )

    def is_blank(self) -> bool:
        """Nothing was entered in this block."""
        fields = (self.first_name, self.last_name, self.email, self.current_email)
        return not any((f.data or "").strip() for f in fields)


class AccessRequestForm(PortiqueForm):
    """The seed's e-commerce access request, in the seed's order."""

    has_account = RadioField(
        lazy_gettext("Do you have an active account with Lumen?"),
        choices=_choices(YES_NO),
        default="yes",
        validators=[InputRequired(REQUIRED)],
    )
    customer_number = StringField(
        lazy_gettext("Lumen account number"),
        validators=[InputRequired(REQUIRED), Length(max=20)],
        description=lazy_gettext("Your customer number, as printed on your invoices and statements."),
    )
    platforms = MultiCheckboxField(
        lazy_gettext("Does this request apply to:"), choices=_choices(PLATFORMS), default=["lumen_app"]
    )
    action = RadioField(
        lazy_gettext("What do you want to do?"),
        choices=_choices(ACTIONS),
        default="create",
        validators=[InputRequired(REQUIRED)],
    )
    project_account = RadioField(
        lazy_gettext("Do you have a project account?"), choices=_choices(YES_NO), validators=[InputRequired(REQUIRED)]
    )
    is_admin = RadioField(
        lazy_gettext("Are you the account administrator?"),
        choices=_choices(YES_NO),
        validators=[InputRequired(REQUIRED)],
    )
    company = StringField(lazy_gettext("Company name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    address = StringField(
        lazy_gettext("Address"),
        validators=[InputRequired(REQUIRED), Length(max=300)],
        description=lazy_gettext("Street number and street name"),
    )
    city = StringField(lazy_gettext("City"), validators=[InputRequired(REQUIRED), Length(max=100)])
    postal_code = StringField(
        lazy_gettext("Postal code"),
        validators=[InputRequired(REQUIRED), Length(max=10)],
        description=lazy_gettext("For example H2X 1Y4"),
    )
    phone = StringField(
        lazy_gettext("Phone number"),
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description=lazy_gettext("For example 514 555-0123"),
    )
    admin_first_name = StringField(lazy_gettext("First name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    admin_last_name = StringField(lazy_gettext("Last name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    admin_email = StringField(
        lazy_gettext("E-mail"),
        validators=[
            InputRequired(REQUIRED),
            Length(max=254),
            EmailAddress(message=lazy_gettext("Enter a valid e-mail address, like name@company.ca.")),
        ],
    )
    user_count = WholeNumberField(
        lazy_gettext("Number of users (including you if you create an account)"),
        default=1,
        validators=[
            InputRequired(lazy_gettext("Enter the number of users, from 1 to %(max)s.", max=MAX_USERS)),
            NumberRange(1, MAX_USERS, lazy_gettext("Enter the number of users, from 1 to %(max)s.", max=MAX_USERS)),
        ],
    )
    users = FieldList(FormField(UserBlockForm), min_entries=1, max_entries=MAX_USERS)
    signature = HiddenField(lazy_gettext("Signature"))
    signature_typed = StringField(lazy_gettext("Type your full name to sign"), validators=[Optional(), Length(max=200)])

    def filled_users(self) -> list[UserBlockForm]:
        """The user blocks that have something in them."""
        return [entry.form for entry in self.users.entries if not entry.form.is_blank()]

    def resize_users(self, count: int) -> None:
        """Show ``count`` user blocks (keeping what was typed in the first ones)."""
        count = max(1, min(MAX_USERS, count))
        while len(self.users.entries) < count:
            self.users.append_entry()
        while len(self.users.entries) > count:
            self.users.pop_entry()

    def error_list(self) -> list[tuple[str, str, str]]:
        """Errors of the form and of every user block, for the summary."""
        items: list[tuple[str, str, str]] = []
        for field in self:
            if field.name == "users":
                for index, entry in enumerate(field.entries, start=1):
                    for sub in entry.form:
                        for message in sub.errors:
                            label = f"{lazy_gettext('User %(number)s', number=index)} — {sub.label.text}"
                            items.append((sub.id, label, str(message)))
                continue
            target = "signature-canvas" if field.name == "signature" else field.id
            for message in field.errors:
                items.append((target, str(field.label.text), str(message)))
        return items


class OrderDecisionForm(PortiqueForm):
    """The administrator's decision on an order waiting for approval."""

    reason = TextAreaField(lazy_gettext("Reason (sent to the buyer)"), validators=[Optional(), Length(max=1000)])


def add_error(field: Any, message: object) -> None:
    """Add ``message`` to a bound, validated field's errors."""
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    field.errors.append(message)
