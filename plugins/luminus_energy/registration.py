"""Registration to the SME space: customer number + an EAN of the customer (or an invoice number) + e-mail.

The core ``/register`` pipeline calls these hooks (identity contract): the form class, the check
against the back office, and the ``registered`` event that creates the Account and Membership.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length

from core.api import (
    Account,
    Membership,
    RegistrationForm,
    Role,
    Tenant,
    UserEvent,
    get_or_create_account,
    grant_membership,
    is_digits,
    lazy_gettext,
    service,
)
from core.api import gettext as _
from plugins.luminus_energy.backend import LuminusBackend
from plugins.luminus_energy.ean import compact, ean_problem
from plugins.luminus_energy.models import Invoice

PERMISSIONS = ["billing", "advance", "readings", "payment_method"]


class LuminusFields(Form):  # type: ignore[misc]  # WTForms ships no type hints
    """The fields Luminus adds to the core form."""

    customer_number = StringField(
        lazy_gettext("Customer number"),
        validators=[DataRequired(lazy_gettext("Enter your customer number (on your invoices).")), Length(max=20)],
        description=lazy_gettext("10 digits, at the top of your invoices."),
    )
    ean = StringField(
        lazy_gettext("EAN code of one of your supply points"),
        validators=[Length(max=30)],
        description=lazy_gettext("18 digits starting with 54. Or leave it empty and give an invoice number."),
    )
    invoice_number = StringField(
        lazy_gettext("Or: number of one of your invoices"),
        validators=[Length(max=30)],
    )


@cache
def registration_form_class() -> type[Form]:
    """The core registration form with the Luminus fields first."""
    return type("LuminusRegistrationForm", (LuminusFields, RegistrationForm), {})


NOT_FOUND = lazy_gettext(
    "These details do not match our records. Check your customer number and the EAN or invoice number."
)


async def validate_registration(tenant: Tenant, form: Any, db: AsyncSession) -> dict[str, Any] | None:
    """Check the customer number against the back office with one of its EANs or invoice numbers."""
    number = (form.customer_number.data or "").strip()
    ean = compact(form.ean.data or "")
    invoice_number = (form.invoice_number.data or "").strip()
    if not ean and not invoice_number:
        form.ean.errors = [
            *form.ean.errors,
            _("Enter the EAN code of one of your supply points, or an invoice number."),
        ]
        return None
    if ean:
        problem = ean_problem(ean)
        if problem:
            form.ean.errors = [*form.ean.errors, problem]
            return None
    backend = service(tenant, LuminusBackend)
    customer = await backend.customer(db, number) if is_digits(number) else None
    matched = False
    if customer is not None and ean:
        point = await backend.supply_point_by_ean(db, ean)
        matched = point is not None and point.customer_id == customer.id
    if customer is not None and not matched and invoice_number:
        matched = bool(
            await db.scalar(
                select(func.count())
                .select_from(Invoice)
                .where(Invoice.customer_id == customer.id, Invoice.number == invoice_number)
            )
        )
    if customer is None or not matched:
        # one message whatever was wrong, so the form cannot be used to discover customer numbers
        form.customer_number.errors = [*form.customer_number.errors, str(NOT_FOUND)]
        return None
    holders = await db.scalar(
        select(func.count())
        .select_from(Membership)
        .join(Account, Account.id == Membership.account_id)
        .where(Account.number == customer.number, Membership.role == Role.HOLDER)
    )
    if holders:
        # the company already has its space: further users are invited by its administrator
        form.customer_number.errors = [
            *form.customer_number.errors,
            _(
                "Your company already has access to the SME space. Ask its administrator to invite you from the "
                "users page of the space."
            ),
        ]
        return None
    return {"luminus_customer": customer.number}


async def on_registered(tenant: Tenant, event: UserEvent) -> None:
    """Create the company's Account and the user's Membership (the registering person becomes its holder;
    should two people register at once, the second one is a member)."""
    number = (event.user.plugin_data or {}).get("luminus_customer")
    if not number:
        return
    customer = await service(tenant, LuminusBackend).customer(event.db, number)
    if customer is None:
        return
    account = await get_or_create_account(event.db, customer.number, name=customer.name)
    holders = await event.db.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.account_id == account.id, Membership.role == Role.HOLDER)
    )
    role = Role.MEMBER if holders else Role.HOLDER
    await grant_membership(event.db, event.user, account, role, PERMISSIONS)
    if not event.user.company:
        event.user.company = customer.name
