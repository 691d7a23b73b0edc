"""The passkey forms: naming one, and the password that confirms removing one."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.i18n import lazy_gettext as _l
from core.web.forms import PortiqueForm

NAME_MAX = 80


class PasskeyNameForm(PortiqueForm):
    """A passkey's name, to tell one device from another."""

    name = StringField(
        _l("Name of the passkey"),
        validators=[DataRequired(), Length(max=NAME_MAX)],
        description=_l("For example the device it is on: “Work laptop”."),
    )


class PasskeyRemoveForm(PortiqueForm):
    """The current password, typed again to remove a passkey."""

    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
