"""The plugin's pages on a Luminus tenant (all under ``/luminus``)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from core.api import ApiRoute
from plugins.luminus_energy import advance, billing, invoice_api, payment, readings, service_requests, statements


def routes() -> list[BaseRoute]:
    """Every page of the plugin."""
    return [
        Route("/advance", advance.overview, name="luminus_advance"),
        Route("/advance/change", advance.change, methods=["GET", "POST"], name="luminus_advance_change"),
        Route("/invoices", billing.invoices, name="luminus_invoices"),
        Route("/invoices/{invoice_id:id}/pdf", billing.invoice_download, name="luminus_invoice_download"),
        Route(
            "/invoices/{invoice_id:id}/request-copy",
            billing.invoice_copy_request,
            methods=["POST"],
            name="luminus_invoice_copy_request",
        ),
        Route("/payment-method", payment.payment_method, name="luminus_payment_method"),
        Route("/payment-method/e-invoice", payment.e_invoice, methods=["POST"], name="luminus_e_invoice"),
        Route("/payment-method/direct-debit", payment.direct_debit, methods=["POST"], name="luminus_direct_debit"),
        Route(
            "/payment-method/stop-request",
            payment.stop_direct_debit_request,
            methods=["POST"],
            name="luminus_stop_direct_debit",
        ),
        Route("/statement", statements.statement, name="luminus_statement"),
        Route("/moving", service_requests.moving, name="luminus_moving"),
        Route("/moving/document.pdf", service_requests.moving_document, name="luminus_moving_document"),
        Route("/reminder-fees", service_requests.reminder_fees, name="luminus_reminder_fees"),
        Route(
            "/reminder-fees/{invoice_id:id}/cancel",
            service_requests.cancel_reminder_fee,
            methods=["POST"],
            name="luminus_cancel_reminder_fee",
        ),
        Route("/readings", readings.readings_page, name="luminus_readings"),
        Route("/readings/{point_id:id}/add", readings.add_reading, methods=["POST"], name="luminus_add_reading"),
        Route(
            "/readings/delete/{reading_id:id}", readings.delete_reading, methods=["POST"], name="luminus_delete_reading"
        ),
    ]


def api_routes() -> list[ApiRoute]:
    """The plugin's endpoints in the apps' API (``/api/v1/luminus/…``)."""
    tags = ("Luminus: invoices",)
    return [
        ApiRoute(
            "/luminus/invoices",
            invoice_api.invoice_list,
            name="luminus_invoices",
            summary="The customer's invoices",
            response=invoice_api.InvoiceList,
            tags=tags,
        ),
        ApiRoute(
            "/luminus/invoices/{invoice_id}",
            invoice_api.invoice_detail,
            name="luminus_invoice",
            summary="One invoice",
            response=invoice_api.InvoiceItem,
            tags=tags,
        ),
    ]
