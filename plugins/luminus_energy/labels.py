"""Translated names shared by the pages and the documents: invoice kinds, payment statuses, registers, energies."""

from __future__ import annotations

from core.api import gettext as _


def kind_labels() -> dict[str, str]:
    """Translated names of the invoice kinds."""
    return {
        "advance": _("Advance invoice"),
        "settlement": _("Settlement invoice"),
        "credit_note": _("Credit note"),
        "reminder_fee": _("Reminder fee"),
    }


def kind_label(kind: str) -> str:
    """Translated name of an invoice kind."""
    return kind_labels().get(kind, kind)


def status_labels() -> dict[str, str]:
    """Translated payment statuses."""
    return {
        "paid": _("Paid"),
        "open": _("To be paid"),
        "overdue": _("Overdue"),
        "credited": _("Credit note"),
        "cancelled": _("Cancelled"),
    }


def register_label(code: str) -> str:
    """Translated name of a register."""
    return {
        "single": _("Single rate"),
        "day": _("Day (peak)"),
        "night": _("Night (off-peak)"),
        "excl_night": _("Exclusive night"),
        "gas": _("Gas"),
    }.get(code, code)


def energy_label(energy: str) -> str:
    """Translated name of an energy."""
    return _("Electricity") if energy == "electricity" else _("Gas")
