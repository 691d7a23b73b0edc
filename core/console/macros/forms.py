"""The operator's reply macro form: tenant (when creating), language, title and body."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from core.console.macros.models import BODY_MAX, TITLE_MAX
from core.i18n import lazy_gettext as _l
from core.tenancy.models import Tenant
from core.web.forms import PortiqueForm


class MacroForm(PortiqueForm):
    """A reply macro; ``tenants`` lists the tenants it may belong to, whose languages it may be written in."""

    tenant = SelectField(_l("Tenant"), coerce=int, validate_choice=False)
    locale = SelectField(_l("Language"), validators=[DataRequired()], validate_choice=False)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description=_l("Placeholders: {first_name} (the customer's first name), {ticket_reference}, {agent_name}."),
    )

    def offer(self, tenants: list[Tenant], language_names: dict[str, str]) -> None:
        """The tenants and languages to choose from (languages of every offered tenant)."""
        self._tenants = {t.id: t for t in tenants}
        self.tenant.choices = [(t.id, t.name) for t in tenants]
        codes = sorted({code for t in tenants for code in t.locales})
        self.locale.choices = [(code, language_names.get(code, code)) for code in codes]

    def validate_tenant(self, field: Any) -> None:
        if field.data not in self._tenants:
            raise ValidationError(_l("Choose a tenant."))

    def validate_locale(self, field: Any) -> None:
        tenant = self._tenants.get(self.tenant.data)
        if tenant is not None and field.data not in tenant.locales:
            raise ValidationError(_l("Choose a language of this tenant."))
