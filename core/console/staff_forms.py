"""Forms of the console's staff pages: a new staff member, their scope, a password from a link, a two-step code."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from core.i18n import lazy_gettext as _l
from core.identity.forms import EmailAddress, MultiCheckboxField, confirm_password_field, name_field, new_password_field
from core.staff.models import StaffRole
from core.web.forms import PortiqueForm

LANGUAGES = (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch"))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def role_choices() -> list[SelectChoice]:
    """The two roles, with what each may do."""
    return [
        SelectChoice(StaffRole.AGENT.value, _l("Agent: the tickets of the chosen tenants (and categories)")),
        SelectChoice(StaffRole.OPERATOR.value, _l("Operator: every tenant, and the administration pages")),
    ]


class StaffScopeForm(PortiqueForm):
    """Role, tenants and ticket categories of a staff member."""

    role = RadioField(
        _l("Role"),
        choices=role_choices(),
        default=StaffRole.AGENT.value,
        validators=[InputRequired(message=_l("Choose a role."))],
    )
    tenants = MultiCheckboxField(_l("Tenants (for an agent)"), coerce=int)
    categories = MultiCheckboxField(
        _l("Ticket categories (for an agent; none checked: every category)"),
    )

    def offer(self, tenants: list[tuple[int, str]], categories: list[tuple[str, str]]) -> None:
        """Set the tenants and categories one may choose from."""
        self.tenants.choices = [SelectChoice(value, label) for value, label in tenants]
        self.categories.choices = [SelectChoice(value, label) for value, label in categories]


class StaffCreateForm(StaffScopeForm):
    """A new staff member: who they are, then the scope (they choose their password from a mailed link)."""

    email = EmailField(
        _l("E-mail address"),
        [InputRequired(message=_l("Enter the e-mail address.")), Length(max=254), EmailAddress(special_use=True)],
        filters=[_strip],
    )
    name = name_field(_l("Name"))
    locale = SelectField(
        _l("Language of the mails"), choices=[SelectChoice(code, name) for code, name in LANGUAGES], default="en"
    )


class SetPasswordForm(PortiqueForm):
    """A staff member's first (or new) password, typed twice."""

    password = new_password_field()
    confirm = confirm_password_field()


class TwoStepCodeForm(PortiqueForm):
    """The code an authenticator app shows, proving it holds the new key."""

    code = StringField(
        _l("Authenticator code"),
        [InputRequired(message=_l("Enter the six-digit code.")), Length(max=10)],
        filters=[_strip],
        description=_l("Six digits from your authenticator app."),
    )
