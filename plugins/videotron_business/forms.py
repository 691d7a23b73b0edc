"""Forms of the Vidéotron Business pages; username and password rules are those of :mod:`.rules`."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from core.api import PortiqueForm, Tenant, is_digits, is_email_address, lazy_gettext, password_problems
from plugins.videotron_business.backend import is_postal_code, normalize_account_number
from plugins.videotron_business.rules import password_errors, suggest_username, username_errors

_NAME_FORBIDDEN = re.compile(r"[<>{}\\\x00-\x1f]")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class EmailAddress:
    """A plausible e-mail address."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not is_email_address(field.data):
            raise ValidationError(str(lazy_gettext("Enter a valid e-mail address, like name@example.com.")))


class PlainName:
    """A name without markup or control characters."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and _NAME_FORBIDDEN.search(field.data):
            raise ValidationError(str(lazy_gettext("Use letters, spaces, hyphens and apostrophes only.")))


class AccountNumber:
    """An account number: 6 to 20 digits, spaces and dashes ignored."""

    def __call__(self, form: Any, field: Any) -> None:
        number = normalize_account_number(field.data or "")
        if not (is_digits(number) and 6 <= len(number) <= 20):
            raise ValidationError(
                str(lazy_gettext("Enter your account number as it appears on your bill (digits only)."))
            )


class PostalCode:
    """A Canadian postal code, any case, with or without the space."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and not is_postal_code(field.data):
            raise ValidationError(str(lazy_gettext("Enter a valid postal code, for example H2X 1Y4.")))


class UsernameRules:
    """One message per broken username rule; a ``@`` gets the e-mail local-part proposal."""

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data or ""
        errors = username_errors(value)
        if not errors:
            return
        field.errors.extend(errors)
        suggestion = suggest_username(value) if "@" in value else None
        if suggestion:
            field.errors.append(
                str(
                    lazy_gettext(
                        "An e-mail address cannot be used as a username because @ is not accepted. "
                        "You could use %(suggestion)s, the part before the @."
                    )
                    % {"suggestion": suggestion}
                )
            )
        raise ValidationError(field.errors.pop())


class PasswordRules:
    """One message per broken password rule."""

    def __call__(self, form: Any, field: Any) -> None:
        errors = password_errors(field.data or "")
        if errors:
            field.errors.extend(errors[:-1])
            raise ValidationError(errors[-1])


def username_field() -> StringField:
    """The username, checked against the Vidéotron rules."""
    return StringField(
        lazy_gettext("Username"),
        [InputRequired(message=lazy_gettext("Choose a username.")), Length(max=200), UsernameRules()],
        filters=[_strip],
        description=lazy_gettext(
            "8 to 50 characters: letters, digits and . - _ are accepted; a space and = + < > # @ are not."
        ),
    )


def password_field() -> PasswordField:
    """A new password, checked against the Vidéotron rules."""
    return PasswordField(
        lazy_gettext("Password"),
        [InputRequired(message=lazy_gettext("Choose a password.")), Length(max=256), PasswordRules()],
        description=lazy_gettext(
            "6 to 16 characters, with at least one letter and one digit; a space and = + < > # @ are not accepted."
        ),
    )


def password_confirm_field() -> PasswordField:
    """Repeats the password."""
    return PasswordField(
        lazy_gettext("Repeat the password"),
        [
            InputRequired(message=lazy_gettext("Repeat the password.")),
            EqualTo("password", message=lazy_gettext("The two passwords are not the same.")),
        ],
    )


def holder_field() -> BooleanField:
    """The holder's confirmation: only the account holder may register."""
    return BooleanField(
        lazy_gettext(
            "I am the holder of this Vidéotron account: the person responsible for the account, "
            "who usually pays the monthly bill."
        ),
        [DataRequired(message=lazy_gettext("Only the account holder may register. Confirm that you are the holder."))],
    )


def email_field(label: object = None) -> EmailField:
    """An e-mail address."""
    return EmailField(
        label or lazy_gettext("E-mail address"),
        [InputRequired(message=lazy_gettext("Enter your e-mail address.")), Length(max=254), EmailAddress()],
        filters=[_strip],
    )


def account_number_field() -> StringField:
    """The Vidéotron account number."""
    return StringField(
        lazy_gettext("Vidéotron account number"),
        [InputRequired(message=lazy_gettext("Enter your account number.")), Length(max=40), AccountNumber()],
        filters=[_strip],
        description=lazy_gettext("You will find it at the top of your bill."),
    )


class ActivationRequestForm(PortiqueForm):
    """Ask for the activation e-mail: only the account number (the mail goes to the address on file)."""

    account_number = account_number_field()


class ActivationRegistrationForm(PortiqueForm):
    """Registration from the activation e-mail link: the account is known from the link."""

    username = username_field()
    password = password_field()
    password_confirm = password_confirm_field()
    holder = holder_field()


class HolderRegistrationForm(PortiqueForm):
    """Registration without the activation e-mail, in the order of Vidéotron's help page."""

    account_number = account_number_field()
    username = username_field()
    postal_code = StringField(
        lazy_gettext("Postal code of the service address"),
        [InputRequired(message=lazy_gettext("Enter the postal code.")), Length(max=10), PostalCode()],
        filters=[_strip],
        description=lazy_gettext(
            "The postal code of the address where Vidéotron provides the services. "
            "For Mobility services, the postal code of the address on the account."
        ),
    )
    email = email_field()
    password = password_field()
    password_confirm = password_confirm_field()
    holder = holder_field()


class AddUserForm(PortiqueForm):
    """The holder adds a secondary user."""

    first_name = StringField(
        lazy_gettext("First name"),
        [InputRequired(message=lazy_gettext("This field is required.")), Length(max=100), PlainName()],
        filters=[_strip],
    )
    last_name = StringField(
        lazy_gettext("Last name"),
        [InputRequired(message=lazy_gettext("This field is required.")), Length(max=100), PlainName()],
        filters=[_strip],
    )
    email = email_field()


class InvitationForm(PortiqueForm):
    """A secondary user chooses a username and a password under the same rules."""

    username = username_field()
    password = password_field()
    password_confirm = password_confirm_field()


def check_password_extras(tenant: Tenant, field: Any, *, email: str, username: str) -> None:
    """Add the core's extra password checks (common passwords, e-mail or username inside) to ``field``."""
    for problem in password_problems(tenant, field.data or "", email=email, username=username):
        if problem not in field.errors:
            field.errors.append(problem)
