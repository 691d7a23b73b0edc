"""Invoice PDFs a business can pay and book: the supplier with its VAT, company number and bank account, the
structured communication, VAT per line, a settlement's consumption, indexes and deducted advances, and the
payment state (paid with its date, partly paid with what remains) — read back from the PDF, in French and Dutch."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.support import Translations
from pypdf import PdfReader
from sqlalchemy import delete, select
from stdnum.be import ogm_vcs

from core.api import format_date, format_money, format_number, use_locale
from core.tenancy.models import Tenant
from core.tenancy.service import update_tenant
from plugins.luminus_energy.formats import numeric_date
from plugins.luminus_energy.models import (
    Advance,
    DirectDebitMandate,
    Invoice,
    InvoiceKind,
    MandateScope,
    MeterReading,
    Payment,
    Register,
    SupplyPoint,
)
from plugins.luminus_energy.rules import structured_communication

WORDS = {
    "fr_BE": {
        "settlement": "Facture de décompte",
        "advance": "Facture d'acompte",
        "vat": "TVA :",
        "company": "Numéro d'entreprise :",
        "iban": "IBAN :",
        "bic": "BIC :",
        "paid_on": "Payée le",
        "amount_to_pay": "Montant à payer",
        "remaining": "Reste à payer",
        "already_paid": "Déjà payé",
        "advances": "Acomptes déjà facturés (12)",
        "indexes": "Index de compteur",
        "consumption": "Consommation de la période",
        "direct_debit": "domiciliation",
    },
    "nl_BE": {
        "settlement": "Afrekeningsfactuur",
        "advance": "Voorschotfactuur",
        "vat": "Btw:",
        "company": "Ondernemingsnummer:",
        "iban": "IBAN:",
        "bic": "BIC:",
        "paid_on": "Betaald op",
        "amount_to_pay": "Te betalen bedrag",
        "remaining": "Nog te betalen",
        "already_paid": "Al betaald",
        "advances": "Reeds gefactureerde voorschotten (12)",
        "indexes": "Meterstanden",
        "consumption": "Verbruik van de periode",
        "direct_debit": "domiciliëring",
    },
}


def flat(text: str) -> str:
    """Text with every kind of space as a plain space (PDF extraction and Babel use narrow no-break spaces)."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def pdf_text(content: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def formatted(locale: str, value: object, kind: str = "money") -> str:
    with use_locale(locale, Translations()):
        if kind == "money":
            return flat(format_money(value, "EUR"))  # type: ignore[arg-type]
        if kind == "number":
            return flat(format_number(value))  # type: ignore[arg-type]
        if kind == "numeric_date":
            return numeric_date(value)  # type: ignore[arg-type]
        return flat(format_date(value, "long"))  # type: ignore[arg-type]


async def _invoices(world, customer, kind: str) -> list[Invoice]:
    async with world.db() as db:
        rows = await db.scalars(
            select(Invoice).where(Invoice.customer_id == customer.id, Invoice.kind == kind).order_by(Invoice.issue_date)
        )
        return list(rows)


async def _pdf(world, customer, invoice: Invoice, locale: str) -> str:
    client = await world.client(customer, locale=locale)
    response = await client.get(f"/luminus/invoices/{invoice.id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.content)


@pytest.mark.parametrize("locale", ["fr_BE", "nl_BE"])
async def test_settlement_pdf_has_the_supplier_the_vat_the_indexes_and_the_advances(world, locale):
    customer, _contract = await world.customer(start=date(2024, 3, 1))
    settlement = (await _invoices(world, customer, InvoiceKind.SETTLEMENT))[-1]  # period Mar 2025 – Feb 2026
    text = await _pdf(world, customer, settlement, locale)
    words = WORDS[locale]
    # who issues it, how to pay and book it
    for expected in (
        "Luminus SA",
        "Boulevard du Roi Albert II 7",
        "1210 Bruxelles",
        f"{words['vat']} BE 0471.811.661",
        f"{words['company']} 0471.811.661",
        f"{words['iban']} BE48 0011 2345 6727",
        f"{words['bic']} GEBABEBB",
        f"{words['settlement']} {settlement.number}",
        customer.name,
        customer.number,
    ):
        assert flat(expected) in text, expected
    communication = structured_communication(settlement.number)
    assert communication in text
    assert ogm_vcs.is_valid(communication)
    # a line per register and the fixed fee, each with its VAT rate and amount: 12 000 kWh × 0,285 € = 3 420,00 €
    rate = "21 %" if locale == "fr_BE" else "21%"
    assert f"{formatted(locale, Decimal('3420.00'))} {rate} {formatted(locale, Decimal('718.20'))}" in text
    assert f"{formatted(locale, 12000, 'number')} kWh" in text
    assert f"{formatted(locale, Decimal('150.00'))} {rate} {formatted(locale, Decimal('31.50'))}" in text
    # the consumption from the indexes at the start and the end of the period
    async with world.db() as db:
        register = await db.scalar(
            select(Register)
            .join(SupplyPoint, SupplyPoint.id == Register.supply_point_id)
            .where(SupplyPoint.customer_id == customer.id)
        )
        readings = list(
            await db.scalars(
                select(MeterReading)
                .where(MeterReading.register_id == register.id)
                .where(MeterReading.reading_date.in_([date(2025, 2, 28), date(2026, 2, 28)]))
                .order_by(MeterReading.reading_date)
            )
        )
        advances = list(
            await db.scalars(select(Advance).where(Advance.billing_period_id == settlement.billing_period_id))
        )
    start, end = readings
    assert (
        f"{formatted(locale, start.reading_date, 'numeric_date')} {formatted(locale, start.value, 'number')} "
        f"{formatted(locale, end.reading_date, 'numeric_date')} {formatted(locale, end.value, 'number')} "
        f"{formatted(locale, end.value - start.value, 'number')} kWh"
    ) in text
    assert f"{words['indexes']}" in text
    assert f"{words['consumption']} {formatted(locale, 12000, 'number')} kWh" in text
    # the advances deducted, then what remains: 4 319,70 € − 12 × 300 € = 719,70 €
    assert len(advances) == 12
    assert f"{words['advances']}" in text
    assert formatted(locale, Decimal("-3600.00")) in text
    assert settlement.amount == Decimal("719.70")
    assert formatted(locale, Decimal("719.70")) in text
    # it is paid: the date, never an amount to pay
    paid_on = formatted(locale, date(2026, 3, 30), "long")  # issued 20 March, paid ten days later
    assert f"{words['paid_on']} {paid_on}" in text
    assert words["amount_to_pay"] not in text
    assert words["remaining"] not in text


@pytest.mark.parametrize("locale", ["fr_BE", "nl_BE"])
async def test_partly_paid_invoice_shows_what_remains_and_how_to_pay_it(world, locale):
    customer, _contract = await world.customer(start=date(2024, 3, 1))
    advance = (await _invoices(world, customer, InvoiceKind.ADVANCE))[-1]
    async with world.db() as db:
        payment = await db.scalar(select(Payment).where(Payment.invoice_id == advance.id))
        payment.amount = Decimal("100.00")
        await db.commit()
    text = await _pdf(world, customer, advance, locale)
    words = WORDS[locale]
    assert f"{words['already_paid']} {formatted(locale, Decimal('100.00'))}" in text
    assert f"{words['remaining']} {formatted(locale, Decimal('200.00'))}" in text
    assert words["paid_on"] not in text
    assert "BE48 0011 2345 6727" in text
    assert structured_communication(advance.number) in text
    # the advance line: 300 € incl. VAT is 247,93 € + 52,07 € of VAT at 21 %
    rate = "21 %" if locale == "fr_BE" else "21%"
    assert (
        f"{formatted(locale, Decimal('247.93'))} {rate} {formatted(locale, Decimal('52.07'))} "
        f"{formatted(locale, Decimal('300.00'))}"
    ) in text


async def test_open_invoice_says_the_amount_to_pay_or_the_direct_debit_that_collects_it(world):
    customer, _contract = await world.customer(start=date(2024, 3, 1), unpaid_last=True, today=date(2026, 11, 26))
    unpaid = (await _invoices(world, customer, InvoiceKind.ADVANCE))[-1]
    text = await _pdf(world, customer, unpaid, "fr_BE")
    assert f"Montant à payer {formatted('fr_BE', Decimal('300.00'))}" in text
    assert "Veuillez le virer" in text
    async with world.db() as db:
        db.add(
            DirectDebitMandate(
                customer_id=customer.id,
                reference="LUM-TEST-1",
                iban="BE71096123456769",
                holder=customer.name,
                scope=MandateScope.ADVANCES,
            )
        )
        await db.commit()
    text = await _pdf(world, customer, unpaid, "fr_BE")
    assert "domiciliation (mandat LUM-TEST-1)" in text
    assert "Veuillez le virer" not in text


async def test_the_supplier_comes_from_the_tenants_settings(world, portal):
    async with portal.database.session() as db:
        tenant = await db.get(Tenant, world.tenant.id)
        settings = dict(tenant.settings)
        settings["luminus_energy"] = {
            **settings.get("luminus_energy", {}),
            "supplier": {
                "name": "Énergie Test SRL",
                "street": "Rue Neuve 1",
                "postcode": "4000",
                "city": "Liège",
                "vat_number": "BE0456123791",
                "company_number": "0456.123.791",
                "iban": "BE71096123456769",
            },
        }
        await update_tenant(db, portal.plugins, tenant, settings=settings)  # validated like the console does
        tenant.updated_at += timedelta(seconds=1)  # time is frozen: the registry sees the change by its date
        await db.commit()
    await portal.registry.refresh(force=True)
    customer, _contract = await world.customer(start=date(2024, 3, 1))
    advance = (await _invoices(world, customer, InvoiceKind.ADVANCE))[-1]
    text = await _pdf(world, customer, advance, "fr_BE")
    assert "Énergie Test SRL" in text
    assert "4000 Liège" in text
    assert "TVA : BE 0456.123.791" in text
    assert "IBAN : BE71 0961 2345 6769" in text
    assert "BIC : GKCCBEBB" in text  # found from the Belgian IBAN
    assert "Luminus SA" not in text


async def test_credit_note_says_the_amount_credited_not_an_amount_to_pay(world):
    customer, _contract = await world.customer(start=date(2024, 3, 1), advance=Decimal("500"))
    credit = (await _invoices(world, customer, InvoiceKind.CREDIT_NOTE))[-1]
    text = await _pdf(world, customer, credit, "fr_BE")
    assert f"Note de crédit {credit.number}" in text
    assert f"Montant crédité {formatted('fr_BE', credit.amount)}" in text
    assert "Montant à payer" not in text
    assert "Acomptes déjà facturés (12)" in text


async def test_a_settlement_whose_detail_does_not_add_up_prints_the_booked_amount(world):
    """Data from another system: the detail from the indexes would contradict the amount invoiced."""
    customer, _contract = await world.customer(start=date(2024, 3, 1))
    settlement = (await _invoices(world, customer, InvoiceKind.SETTLEMENT))[-1]
    async with world.db() as db:
        await db.execute(delete(MeterReading).where(MeterReading.reading_date == date(2026, 2, 28)))
        await db.commit()
    text = await _pdf(world, customer, settlement, "fr_BE")
    assert "Énergie fournie pendant la période de facturation" in text
    assert formatted("fr_BE", settlement.amount) in text
    assert "Index de compteur" not in text


async def test_reminder_fee_names_the_invoice_it_relates_to_without_vat(world):
    from plugins.luminus_energy.demo import add_invoice

    customer, _contract = await world.customer(start=date(2024, 3, 1), unpaid_last=True)
    unpaid = (await _invoices(world, customer, InvoiceKind.ADVANCE))[-1]
    async with world.db() as db:
        fee = await add_invoice(
            db,
            customer,
            kind=InvoiceKind.REMINDER_FEE,
            issued=date(2026, 11, 20),
            amount=Decimal("15"),
            related=unpaid,
            paid=False,
        )
        await db.commit()
    text = await _pdf(world, customer, fee, "nl_BE")
    assert f"Herinneringskosten voor factuur {unpaid.number}" in text
    assert f"{formatted('nl_BE', Decimal('15.00'))} 0% {formatted('nl_BE', Decimal('0.00'))}" in text
    assert f"Te betalen bedrag {formatted('nl_BE', Decimal('15.00'))}" in text


@pytest.mark.parametrize(
    ("field", "value"),
    [("iban", "BE48 0011 2345 6728"), ("vat_number", "BE0471811662"), ("bic", "NOTABIC")],
)
def test_the_supplier_settings_refuse_a_wrong_bank_account_or_vat_number(field, value):
    from pydantic import ValidationError

    from plugins.luminus_energy.settings import LuminusSettings

    with pytest.raises(ValidationError, match=f"supplier.{field}" if field != "bic" else "supplier"):
        LuminusSettings.model_validate({"supplier": {field: value}})
