"""« Méthode d'envoi et moyen de paiement »: e-invoice opt-in and direct-debit activation.

Stopping a direct debit is not possible online (seed FAQ): the page says so and offers the contact
block and a ticket.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from wtforms import BooleanField, EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.validators import ValidationError as FormError

from core.api import (
    EmailAddress,
    PortiqueForm,
    audit,
    current_user,
    flash,
    lazy_gettext,
    queue_mail,
    redirect_to,
    render,
)
from core.api import gettext as _
from plugins.luminus_energy.customer_page import Ctx, customer_page
from plugins.luminus_energy.models import MandateScope
from plugins.luminus_energy.tickets import open_request, request_problem

# IBAN length per SEPA country (ISO 13616 registry).
SEPA_IBAN_LENGTHS = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GI": 23,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "VA": 22,
}


def iban_problem(value: str) -> str | None:
    """A translated explanation of what is wrong with an IBAN (``None``: valid SEPA IBAN)."""
    compact = stdnum_iban.compact(value or "")
    if not compact:
        return _("Enter the IBAN of the account to debit.")
    expected = SEPA_IBAN_LENGTHS.get(compact[:2].upper())
    if expected is None:
        return _("Direct debit needs an account in the SEPA area (an IBAN starting with BE, NL, FR, DE, LU…).")
    if len(compact) != expected:
        return _("This IBAN does not have the right number of characters for its country.")
    try:
        stdnum_iban.validate(compact)
    except InvalidChecksum:
        return _("This IBAN is not valid (wrong check digits): please check it.")
    except InvalidLength:
        return _("This IBAN does not have the right number of characters for its country.")
    except InvalidComponent:
        return _("The bank or account number in this IBAN is not valid.")
    except ValidationError:
        return _("This is not a valid IBAN.")
    return None


def mask_iban(value: str) -> str:
    """The IBAN with only its country and last four characters visible."""
    compact = stdnum_iban.compact(value)
    return f"{compact[:2]}•• •••• •••• {compact[-4:]}"


class EInvoiceForm(PortiqueForm):
    """Receive invoices by e-mail."""

    e_invoice = BooleanField(lazy_gettext("I want to receive my invoices by e-mail"))
    email = EmailField(
        lazy_gettext("E-mail address for the invoices"),
        validators=[
            InputRequired(lazy_gettext("Enter the e-mail address.")),
            Length(max=254),
            EmailAddress(message=lazy_gettext("Enter a valid e-mail address, like name@example.com.")),
        ],
    )


class DirectDebitForm(PortiqueForm):
    """Activate a SEPA direct debit."""

    iban = StringField(lazy_gettext("IBAN"), validators=[Length(max=42)])
    holder = StringField(
        lazy_gettext("Account holder"),
        validators=[DataRequired(lazy_gettext("Enter the name of the account holder.")), Length(max=200)],
    )
    scope = RadioField(
        lazy_gettext("What should be paid by direct debit?"),
        choices=[
            SelectChoice(MandateScope.ADVANCES.value, lazy_gettext("My advances only")),
            SelectChoice(MandateScope.ADVANCES_AND_SETTLEMENT.value, lazy_gettext("My advances and my settlement")),
        ],
        validators=[InputRequired(lazy_gettext("Choose what direct debit pays."))],
    )
    consent = BooleanField(
        lazy_gettext("I authorise Luminus to debit this account and my bank to pay these amounts (SEPA mandate)."),
        validators=[DataRequired(lazy_gettext("Tick the box to sign the mandate."))],
    )

    def validate_iban(self, field: Any) -> None:
        """IBAN checked with python-stdnum."""
        problem = iban_problem(field.data or "")
        if problem:
            raise FormError(problem)


async def _page(ctx: Ctx, e_form: EInvoiceForm, dd_form: DirectDebitForm, status: int = 200) -> Response:
    mandate = await ctx.backend.mandate(ctx.db, ctx.customer)
    return await render(
        ctx.request,
        "luminus_energy/payment_method.html",
        ctx.page(
            e_form=e_form,
            dd_form=dd_form,
            mandate=mandate,
            masked=mask_iban(mandate.iban) if mandate else "",
            page_title=_("Sending and payment method"),
        ),
        status_code=status,
    )


async def _forms(ctx: Ctx) -> tuple[EInvoiceForm, DirectDebitForm]:
    user = await current_user(ctx.request)
    email = ctx.customer.e_invoice_email or (user.email if user else "")
    e_form = EInvoiceForm(data={"e_invoice": ctx.customer.e_invoice, "email": email})
    dd_form = DirectDebitForm(data={"holder": ctx.customer.name, "scope": MandateScope.ADVANCES.value})
    return e_form, dd_form


@customer_page
async def payment_method(ctx: Ctx) -> Response:
    """Both frames: sending method (e-invoice) and payment method (direct debit)."""
    e_form, dd_form = await _forms(ctx)
    return await _page(ctx, e_form, dd_form)


@customer_page(permission="payment_method")
async def e_invoice(ctx: Ctx) -> Response:
    """Save the sending method."""
    _unused, dd_form = await _forms(ctx)
    form = await EInvoiceForm.from_request(ctx.request)
    if not form.validate():
        return await _page(ctx, form, dd_form, 422)
    user = await current_user(ctx.request)
    ctx.customer.e_invoice = bool(form.e_invoice.data)
    ctx.customer.e_invoice_email = form.email.data.strip()
    audit(
        ctx.db,
        "luminus.e_invoice_changed",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_customer",
        subject_id=ctx.customer.number,
        enabled=ctx.customer.e_invoice,
    )
    queue_mail(
        ctx.db,
        ctx.request.state.tenant,
        ctx.customer.e_invoice_email,
        "luminus_energy/e_invoice",
        {"customer": ctx.customer, "enabled": ctx.customer.e_invoice, "contact": ctx.settings},
        locale=user.locale if user else None,
    )
    await ctx.db.commit()
    flash(
        ctx.request,
        _("From now on you will receive your invoices by e-mail.")
        if ctx.customer.e_invoice
        else _("From now on you will receive your invoices by post."),
        "success",
    )
    return redirect_to(ctx.request, "luminus_payment_method")


@customer_page(permission="payment_method")
async def direct_debit(ctx: Ctx) -> Response:
    """Activate direct debit: IBAN checked, mandate reference issued, confirmation mailed."""
    e_form, _unused = await _forms(ctx)
    if await ctx.backend.mandate(ctx.db, ctx.customer) is not None:
        flash(ctx.request, _("Direct debit is already active."), "info")
        return redirect_to(ctx.request, "luminus_payment_method")
    form = await DirectDebitForm.from_request(ctx.request)
    if not form.validate():
        return await _page(ctx, e_form, form, 422)
    user = await current_user(ctx.request)
    assert user is not None
    mandate = await ctx.backend.create_mandate(
        ctx.db,
        ctx.customer,
        iban=stdnum_iban.compact(form.iban.data),
        holder=form.holder.data.strip(),
        scope=form.scope.data,
        user_id=ctx.user_id,
    )
    audit(
        ctx.db,
        "luminus.direct_debit_activated",
        request=ctx.request,
        actor_type="user",
        actor_id=ctx.user_id,
        subject_type="luminus_mandate",
        subject_id=mandate.reference,
    )
    queue_mail(
        ctx.db,
        ctx.request.state.tenant,
        user.email,
        "luminus_energy/direct_debit",
        {
            "customer": ctx.customer,
            "mandate": mandate,
            "masked": mask_iban(mandate.iban),
            "advances_only": mandate.scope == MandateScope.ADVANCES,
            "contact": ctx.settings,
        },
        locale=user.locale,
    )
    await ctx.db.commit()
    flash(
        ctx.request,
        _(
            "Direct debit is active (mandate %(reference)s). A confirmation was sent by e-mail.",
            reference=mandate.reference,
        ),
        "success",
    )
    return redirect_to(ctx.request, "luminus_payment_method")


@customer_page(permission="payment_method")
async def stop_direct_debit_request(ctx: Ctx) -> Response:
    """Stopping is not online: file a request for the customer service, who will call back."""
    mandate = await ctx.backend.mandate(ctx.db, ctx.customer)
    if mandate is None:
        return redirect_to(ctx.request, "luminus_payment_method")
    problem = await request_problem(ctx, "payment_method", "mandate_reference", mandate.reference)
    if problem:
        flash(ctx.request, problem, "info")
        return redirect_to(ctx.request, "luminus_payment_method")
    record = await open_request(
        ctx,
        "payment_method",
        _("Stop direct debit %(reference)s", reference=mandate.reference),
        _("I would like to stop my direct debit and pay by bank transfer. Please contact me."),
        {"mandate_reference": mandate.reference},
    )
    await ctx.db.commit()
    flash(
        ctx.request,
        _(
            "Your request %(reference)s was sent to our customer service: they will contact you.",
            reference=record.reference,
        ),
        "success",
    )
    return redirect_to(ctx.request, "luminus_payment_method")
