"""Lumen's support categories (seed part 3): the same fields for every category, open to visitors."""

from __future__ import annotations

from core.api import Tenant, TicketCategory, TicketField, get_portal, gettext, lazy_gettext


class EmergencyNote:
    """The seed's emergency note, with the e-commerce advisors' contact from the tenant's theme."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    def __str__(self) -> str:
        contact = get_portal().theme(self.tenant).contact
        phone, email = contact.get("phone", ""), contact.get("email", "")
        note = gettext(
            "Your request will be processed within 24/48 business hours. For any emergency, use the chat or "
            "contact an e-commerce advisor."
        )
        if phone and email:
            note += " " + gettext("Phone: %(phone)s · E-mail: %(email)s", phone=phone, email=email)
        return note


def _fields() -> tuple[TicketField, ...]:
    return (
        TicketField("phone", lazy_gettext("Your phone number"), "phone", required=True),
        TicketField("customer_number", lazy_gettext("Customer number"), "account_number", required=True),
        TicketField(
            "eleknet_username",
            lazy_gettext("ElekNet username"),
            "text",
            required=True,
            help=lazy_gettext("Your username on lumen.ca or ElekNet."),
        ),
    )


def categories(tenant: Tenant) -> list[TicketCategory]:
    """E-commerce, Mobile app, CMEQ, Integrations, Hydro-Québec."""
    note = EmergencyNote(tenant)
    help_text = lazy_gettext(
        "Please give as many details as possible. You can also attach a screenshot to help us address your request."
    )
    specs = [
        ("ecommerce", lazy_gettext("E-commerce")),
        ("mobile_app", lazy_gettext("Mobile app")),
        ("cmeq", lazy_gettext("CMEQ management")),
        ("integrations", lazy_gettext("Integrations (ACCEO, Maestro and other ERP)")),
        ("hydro_quebec", lazy_gettext("Hydro-Québec")),
    ]
    return [
        TicketCategory(
            code=code,
            name=name,
            help=help_text,
            fields=_fields(),
            sla_hours=24,
            anonymous=True,
            order=10 * (index + 1),
            notice=note,
        )
        for index, (code, name) in enumerate(specs)
    ]
