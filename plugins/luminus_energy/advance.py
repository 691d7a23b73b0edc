"""« Acompte et décompte »: the advance overview and « Changer votre montant d'acompte »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from starlette.responses import Response

from core.api import audit, current_user, flash, format_date, format_money, queue_mail, redirect_to, render
from core.api import gettext as _
from plugins.luminus_energy.customer_page import Ctx, customer_page
from plugins.luminus_energy.models import AdvanceChange, Contract, Frequency, SupplyPoint, Tariff
from plugins.luminus_energy.records import AdvanceFacts
from plugins.luminus_energy.rules import (
    FREQUENCY_MONTHS,
    AdvanceSituation,
    Projection,
    Refusal,
    advance_bounds,
    advance_refusals,
    annual_from_readings,
    months_between,
    period_cost,
    project_settlement,
    recommended_amount,
)
from plugins.luminus_energy.settings import LuminusSettings


@dataclass
class AdvancePlan:
    """Everything the change page shows for one contract."""

    contract: Contract
    point: SupplyPoint
    tariff: Tariff
    period_start: date | None
    period_end: date | None
    cost: Decimal
    paid: Decimal
    paid_count: int
    remaining_count: int
    recommended: Decimal
    minimum: int
    maximum: int
    refusals: list[Refusal]
    annual: Decimal
    from_readings: bool
    history: list[AdvanceChange]

    def project(self, amount: Decimal) -> Projection:
        """The settlement for ``amount``."""
        return project_settlement(self.cost, self.paid, self.remaining_count, amount)


def plan_for(
    facts: AdvanceFacts, overdue: str | None, today: date, timezone: str, settings: LuminusSettings
) -> AdvancePlan:
    """Compute the projection inputs, bounds and refusals of one contract today (``overdue``: the number of the
    customer's newest overdue invoice)."""
    contract, tariff, period = facts.contract, facts.tariff, facts.period
    series = [[(r.reading_date, r.value) for r in facts.readings if r.register_id == reg.id] for reg in facts.registers]
    from_readings = annual_from_readings(series, today)
    annual = from_readings if from_readings is not None else contract.estimated_annual_consumption
    cost = paid = Decimal("0")
    paid_count = remaining = 0
    if period is not None:
        months = months_between(period.start_date, period.end_date)
        _consumption, cost = period_cost(annual, tariff.unit_price, tariff.fixed_monthly, tariff.vat_rate, months)
        paid = sum((a.amount for a in facts.advances), Decimal("0"))
        paid_count = len(facts.advances)
        step = FREQUENCY_MONTHS.get(Frequency(contract.billing_frequency), 1)
        remaining = max(0, months // step - paid_count)
    last = facts.changes[0] if facts.changes else None
    situation = AdvanceSituation(
        today=today,
        timezone=timezone,
        frequency=contract.billing_frequency,
        contract_start=contract.start_date,
        contract_end=contract.end_date,
        period_start=period.start_date if period else contract.start_date,
        period_end=period.end_date if period else today,
        last_change=last.changed_at if last else None,
        overdue_invoice=overdue,
    )
    recommended = recommended_amount(cost, paid, remaining)
    minimum, maximum = advance_bounds(recommended, contract.advance_amount, settings)
    return AdvancePlan(
        contract=contract,
        point=facts.point,
        tariff=tariff,
        period_start=period.start_date if period else None,
        period_end=period.end_date if period else None,
        cost=cost,
        paid=paid,
        paid_count=paid_count,
        remaining_count=remaining,
        recommended=recommended,
        minimum=minimum,
        maximum=maximum,
        refusals=advance_refusals(situation, settings),
        annual=annual,
        from_readings=from_readings is not None,
        history=facts.changes,
    )


def refusal_message(refusal: Refusal) -> str:
    """The translated explanation of a refusal (the seed FAQ's cases)."""
    v = refusal.values
    if refusal.code == "already_changed":
        if v.get("monthly"):
            return _(
                "You already changed this advance on %(date)s. With monthly billing, the advance can be changed "
                "only once a month: you can change it again from %(next)s.",
                date=format_date(v["changed_on"], "long"),  # type: ignore[arg-type]
                next=format_date(v["next"], "long"),  # type: ignore[arg-type]
            )
        return _(
            "This advance was already changed during the current billing period (on %(date)s): you can change it "
            "again from %(next)s.",
            date=format_date(v["changed_on"], "long"),  # type: ignore[arg-type]
            next=format_date(v["next"], "long"),  # type: ignore[arg-type]
        )
    if refusal.code == "next_is_settlement":
        return _(
            "Your next invoice is a settlement (the billing period ends on %(date)s): the advance cannot be changed "
            "before it. The settlement will take your actual consumption into account.",
            date=format_date(v["period_end"], "long"),  # type: ignore[arg-type]
        )
    if refusal.code == "contract_ending":
        return _(
            "Your contract with us ends on %(date)s: the advance can no longer be changed online.",
            date=format_date(v["end"], "long"),  # type: ignore[arg-type]
        )
    if refusal.code == "unpaid":
        return _(
            "You have an unpaid invoice (%(number)s). Please pay it first; you can then change your advance.",
            number=str(v["number"]),
        )
    return _(
        "The consumption period is too short (less than 3 months) for an accurate simulation. We advise you to keep "
        "the current amount to avoid surprises at the settlement. As soon as you reach 3 months of consumption "
        "(on %(date)s), you can simulate again on the basis of your meter indexes.",
        date=format_date(v["from"], "long"),  # type: ignore[arg-type]
    )


async def plans(ctx: Ctx) -> list[AdvancePlan]:
    """A plan per contract of the customer (the same statements for one contract or many)."""
    facts = await ctx.backend.advance_facts(ctx.db, ctx.customer, ctx.today)
    if not facts:
        return []
    overdue = next(iter(await ctx.backend.overdue_invoices(ctx.db, ctx.customer, ctx.today)), None)
    tz = ctx.request.state.tenant.timezone
    return [plan_for(item, overdue, ctx.today, tz, ctx.settings) for item in facts]


@customer_page
async def overview(ctx: Ctx) -> Response:
    """« Acompte et décompte »: current advances, history and the link to change them."""
    items = [(plan, plan.project(plan.contract.advance_amount), plan.history) for plan in await plans(ctx)]
    return await render(
        ctx.request,
        "luminus_energy/advance.html",
        ctx.page(
            items=items,
            changeable=any(not plan.refusals for plan, _projection, _history in items),
            refusal_message=refusal_message,
            page_title=_("Advance and settlement"),
        ),
    )


def parse_amount(raw: str | None) -> Decimal | None:
    """A whole-euro amount typed by the customer (``250``, ``250,00``), or ``None``."""
    text = (raw or "").strip().replace("€", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.to_integral_value():
        return None
    return value.quantize(Decimal("1"))


@customer_page(permission="advance")
async def change(ctx: Ctx) -> Response:
    """The sliders page: simulate (no JavaScript needed) and confirm with « Modifier »."""
    request = ctx.request
    items = await plans(ctx)
    chosen: dict[int, Decimal] = {p.contract.id: p.contract.advance_amount for p in items}
    errors: dict[int, str] = {}
    action = ""
    if request.method == "POST":
        form = await request.form()
        action = str(form.get("action", "simulate"))
        for plan in items:
            if plan.refusals or f"amount_{plan.contract.id}" not in form:
                continue
            amount = parse_amount(str(form.get(f"amount_{plan.contract.id}")))
            if amount is None:
                errors[plan.contract.id] = _("Enter a whole amount in euros, for example 250.")
            elif not plan.minimum <= amount <= plan.maximum:
                errors[plan.contract.id] = _(
                    "Choose an amount between %(min)s and %(max)s.",
                    min=format_money(plan.minimum, "EUR"),
                    max=format_money(plan.maximum, "EUR"),
                )
            else:
                chosen[plan.contract.id] = amount
        if action == "confirm" and not errors:
            changed = []
            for plan in items:
                amount = chosen[plan.contract.id]
                if plan.refusals or amount == plan.contract.advance_amount:
                    continue
                old = plan.contract.advance_amount
                await ctx.backend.record_advance_change(ctx.db, plan.contract, amount, ctx.user_id)
                audit(
                    ctx.db,
                    "luminus.advance_changed",
                    request=request,
                    actor_type="user",
                    actor_id=ctx.user_id,
                    subject_type="luminus_contract",
                    subject_id=str(plan.contract.id),
                )
                changed.append((plan, old, amount))
            if changed:
                user_email, locale = await _recipient(ctx)
                queue_mail(
                    ctx.db,
                    request.state.tenant,
                    user_email,
                    "luminus_energy/advance_changed",
                    {
                        "customer": ctx.customer,
                        "contact": ctx.settings,
                        "changes": [
                            {"ean": p.point.ean, "energy": p.point.energy, "old": old, "new": new}
                            for p, old, new in changed
                        ],
                    },
                    locale=locale,
                )
                await ctx.db.commit()
                flash(
                    request, _("Your new advance amount has been saved. A confirmation was sent by e-mail."), "success"
                )
            else:
                flash(request, _("Nothing changed: the amounts are the same as before."), "info")
            return redirect_to(request, "luminus_advance")
    rows = [(plan, chosen[plan.contract.id], plan.project(chosen[plan.contract.id])) for plan in items]
    return await render(
        request,
        "luminus_energy/advance_change.html",
        ctx.page(
            rows=rows,
            changeable=any(not plan.refusals for plan in items),
            errors=errors,
            simulated=action == "simulate",
            refusal_message=refusal_message,
            page_title=_("Change your advance amount"),
        ),
        status_code=422 if errors else 200,
    )


async def _recipient(ctx: Ctx) -> tuple[str, str | None]:
    """E-mail address and language of the signed-in user."""
    user = await current_user(ctx.request)
    assert user is not None
    return user.email, user.locale
