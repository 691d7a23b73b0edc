"""Identity forms: registration (extended by provider plugins), sign-in, recovery, profile, invitations."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.i18n import lazy_gettext as _l
from core.mail.addresses import is_email_address
from core.web.forms import PortiqueForm

NAME_FORBIDDEN = re.compile(r"[<>{}\\\x00-\x1f]")


class EmailAddress:
    """WTForms validator: an e-mail address a mail can be sent to (checked by ``email-validator``).

    An empty value passes (pair it with ``InputRequired`` when the address is required).

    :param message: the error shown next to the field (a translated default).
    :param special_use: accept the ``.test`` domain too (staff of a private set-up).
    """

    def __init__(self, message: Any = None, *, special_use: bool = False) -> None:
        self.message = message
        self.special_use = special_use

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value and not is_email_address(value, special_use=self.special_use):
            raise ValidationError(str(self.message or _l("Enter a valid e-mail address, like name@example.com.")))


class PlainName:
    """WTForms validator: a name without markup or control characters."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and NAME_FORBIDDEN.search(field.data):
            raise ValidationError(str(_l("Use letters, spaces, hyphens and apostrophes only (no < > { } or \\).")))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def email_field(label: Any = None) -> EmailField:
    """An e-mail field with the core's checks (required, at most 254 characters, plausible address)."""
    return EmailField(
        label or _l("E-mail address"),
        [InputRequired(message=_l("Enter your e-mail address.")), Length(max=254), EmailAddress()],
        filters=[_strip],
    )


def name_field(label: Any, required: bool = True) -> StringField:
    """A person's name field (at most 100 characters, no markup)."""
    first = InputRequired(message=_l("This field is required.")) if required else Optional()
    return StringField(label, [first, Length(max=100), PlainName()], filters=[_strip])


def new_password_field(label: Any = None) -> PasswordField:
    """A new-password field; the tenant's password policy is checked by the page."""
    return PasswordField(
        label or _l("Password"),
        [InputRequired(message=_l("Choose a password.")), Length(max=256)],
    )


def confirm_password_field(label: Any = None) -> PasswordField:
    """Repeats ``password``."""
    return PasswordField(
        label or _l("Repeat the password"),
        [
            InputRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class RegistrationForm(PortiqueForm):
    """The core registration form. Provider plugins subclass it to add fields.

    ``username`` is removed by the page when the tenant does not use usernames, and required when
    it does. Password rules come from the tenant's password policy.
    """

    email = email_field()
    first_name = name_field(_l("First name"))
    last_name = name_field(_l("Last name"))
    username = StringField(_l("Username"), [Optional(), Length(max=150)], filters=[_strip])
    password = new_password_field()
    password_confirm = confirm_password_field()
    accept_terms = BooleanField(
        _l("I accept the terms of use and the privacy policy"),
        [DataRequired(message=_l("You must accept the terms of use to register."))],
    )

    def cleaned_data(self) -> dict[str, Any]:
        """The submitted values without the passwords (what plugins receive in the ``registered`` event)."""
        return {name: field.data for name, field in self._fields.items() if name not in _SECRET_FIELDS}


_SECRET_FIELDS = frozenset({"password", "password_confirm", "current_password", "csrf_token"})


class LoginForm(PortiqueForm):
    """Sign-in: ``login`` (e-mail or username per tenant), ``password``, ``remember``."""

    login = StringField(
        _l("E-mail address"), [InputRequired(message=_l("This field is required.")), Length(max=254)], filters=[_strip]
    )
    password = PasswordField(_l("Password"), [InputRequired(message=_l("Enter your password.")), Length(max=1024)])
    remember = BooleanField(_l("Stay signed in"))
    code = StringField(_l("Authentication code"), [Optional(), Length(max=10)], filters=[_strip])


class EmailForm(PortiqueForm):
    """A single e-mail field (forgot password, resend confirmation)."""

    email = email_field()


class RecoveryForm(PortiqueForm):
    """Forgot password on a tenant that signs in by username: ``email`` takes the username or the e-mail address.

    The field keeps the name of the URL map (``/password/forgot``, field ``email``) on every tenant.
    """

    email = StringField(
        _l("Username or e-mail address"),
        [InputRequired(message=_l("This field is required.")), Length(max=254)],
        filters=[_strip],
    )


class SetPasswordForm(PortiqueForm):
    """Choose a new password (reset link, invitation, forced change)."""

    password = new_password_field(_l("New password"))
    password_confirm = confirm_password_field()


class ChangePasswordForm(PortiqueForm):
    """Change the password from the profile: the current one is required."""

    current_password = PasswordField(
        _l("Current password"), [InputRequired(message=_l("Enter your current password.")), Length(max=1024)]
    )
    password = new_password_field(_l("New password"))
    password_confirm = confirm_password_field()


class ChangeEmailForm(PortiqueForm):
    """Change the e-mail address: the current password is required."""

    email = email_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"), [InputRequired(message=_l("Enter your current password.")), Length(max=1024)]
    )


class ProfileForm(PortiqueForm):
    """Names and preferred language."""

    first_name = name_field(_l("First name"))
    last_name = name_field(_l("Last name"))
    locale = SelectField(_l("Language"), choices=[])


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(PortiqueForm):
    """Invite a user to the account."""

    email = email_field()
    first_name = name_field(_l("First name"))
    last_name = name_field(_l("Last name"))
    role = SelectField(_l("Role"), choices=[])
    permissions = MultiCheckboxField(_l("Permissions"), choices=[], validate_choice=True)


class PermissionsForm(PortiqueForm):
    """Change the permissions of one member."""

    permissions = MultiCheckboxField(_l("Permissions"), choices=[], validate_choice=True)


class TotpForm(PortiqueForm):
    """A six-digit code from an authenticator app (and the password when turning it off)."""

    code = StringField(
        _l("Authentication code"),
        [InputRequired(message=_l("Enter the 6-digit code from your app.")), Length(min=6, max=6)],
        filters=[_strip],
    )
