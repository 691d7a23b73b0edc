"""The tenant form's privacy fields: the consent documents' versions and the retention periods.

They are edited as fields of their own and saved under ``settings["consent"]`` and
``settings["retention"]``; the form's JSON settings hold the rest (the plugins' settings).
"""

from __future__ import annotations

from typing import Any

from core.consent.settings import ConsentSettings
from core.i18n import gettext as _
from core.retention.settings import MAX_DAYS, RetentionSettings

SECTIONS: dict[str, type[ConsentSettings] | type[RetentionSettings]] = {
    "consent": ConsentSettings,
    "retention": RetentionSettings,
}
DAYS = ("audit_days", "outbox_body_days", "closed_ticket_days")


def field_name(section: str, key: str) -> str:
    """The form field of one setting: ``retention_audit_days``."""
    return f"{section}_{key}"


def shown_values(settings: dict[str, Any]) -> dict[str, Any]:
    """The privacy fields' values for a tenant's ``settings`` (defaults for what is not set)."""
    values: dict[str, Any] = {}
    for section, model in SECTIONS.items():
        current = model.model_validate(settings.get(section) or {})
        for key, value in current.model_dump().items():
            values[field_name(section, key)] = value
    return values


def other_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` without the privacy sections (what the form's JSON shows)."""
    return {key: value for key, value in settings.items() if key not in SECTIONS}


def read_fields(form: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, str]]:
    """The posted privacy fields: (values to show again, settings sections, problems by field).

    A section none of whose fields was posted is left out (the JSON settings keep it as they are).
    """
    shown: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for section, model in SECTIONS.items():
        if not any(field_name(section, key) in form for key in model.model_fields):
            shown.update({k: v for k, v in shown_values({}).items() if k.startswith(section + "_")})
            continue
        sections[section] = {}
        for key in model.model_fields:
            name = field_name(section, key)
            raw = str(form.get(name) or "").strip()
            shown[name] = raw
            if key not in DAYS:
                sections[section][key] = raw
                continue
            days = int(raw) if raw.isdigit() else 0
            if not 1 <= days <= MAX_DAYS:
                errors[name] = _("Enter a number of days between 1 and %(max)s.", max=MAX_DAYS)
            sections[section][key] = days
    return shown, sections, errors
