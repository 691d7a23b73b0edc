"""The queue page's "save these filters" form: a name and, for operators, sharing with all staff."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from core.console.saved_views.models import NAME_MAX
from core.i18n import lazy_gettext as _l
from core.web.forms import PortiqueForm


class SaveViewForm(PortiqueForm):
    """The view's name (saving a name again replaces that view) and whether all staff see it."""

    name = StringField(
        _l("Save these filters as"),
        validators=[DataRequired(), Length(max=NAME_MAX)],
        description=_l("A name you will recognise, such as “My breached billing tickets”."),
    )
    shared = BooleanField(_l("Show this view to all staff"))
