"""The confirmation form of "Delete my account": the customer's current password."""

from __future__ import annotations

from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from core.i18n import lazy_gettext as _l
from core.web.forms import PortiqueForm


class DeleteAccountForm(PortiqueForm):
    """The current password confirms that the account holder asks for the deletion."""

    current_password = PasswordField(
        _l("Current password"), [InputRequired(message=_l("Enter your current password.")), Length(max=1024)]
    )
