"""The invoice list's rows, written here: a template loop escaping each cell of every row cost more than the
rest of the page (its column labels are translated once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from core.api import format_date, format_money
from core.api import gettext as _
from plugins.luminus_energy.models import Invoice, InvoiceKind


class InvoiceRow(NamedTuple):
    """A row of the invoice list: the invoice, its status, their names, and the link to its PDF or to the form
    asking for a copy (empty when it has neither)."""

    invoice: Invoice
    status: str
    kind: str
    status_label: str
    download: str
    copy_request: str


@dataclass(frozen=True)
class InvoiceColumns:
    """The translated column labels of the list and the texts of its last column (markup, as the templates'
    labels: the catalogues are trusted)."""

    number: str
    type: str
    date: str
    due: str
    amount: str
    status: str
    download: str
    request_copy: str
    no_longer_available: str

    @classmethod
    def translated(cls) -> InvoiceColumns:
        """The labels in the active locale."""
        return cls(
            *(
                Markup(text)  # noqa: S704 - catalogues are trusted, as in the templates
                for text in (
                    _("Number"),
                    _("Type"),
                    _("Date"),
                    _("Due date"),
                    _("Amount"),
                    _("Status"),
                    _("Download your invoices"),
                    _("Request a copy"),
                    _("No longer available"),
                )
            )
        )


def rows_html(rows: list[InvoiceRow], columns: InvoiceColumns, csrf_field: Markup) -> Markup:
    """The ``<tr>`` of ``rows``; ``csrf_field`` is the hidden input of the copy-request forms."""
    label = {name: getattr(columns, name) for name in ("number", "type", "date", "due", "amount", "status")}
    download_label, request_copy, no_longer = columns.download, columns.request_copy, columns.no_longer_available
    parts = []
    for invoice, status, kind, status_label, download, copy_request in rows:
        number = escape(invoice.number)
        status_text = escape(status)
        amount = ("−" if invoice.kind == InvoiceKind.CREDIT_NOTE else "") + format_money(invoice.amount, "EUR")
        if download:
            action = f'<a href="{escape(download)}" download>PDF<span class="visually-hidden"> {number}</span></a>'
        elif copy_request:
            action = (
                f'<form method="post" action="{escape(copy_request)}" class="inline">{csrf_field}\n'
                f'<button type="submit" class="link">{request_copy}<span class="visually-hidden"> {number}</span>'
                "</button></form>"
            )
        else:
            action = f'<span class="muted">{no_longer}</span>'
        parts.append(
            f'<tr id="invoice-{int(invoice.id)}">\n'
            f'<td data-label="{label["number"]}">{number}</td>\n'
            f'<td data-label="{label["type"]}">{escape(kind)}</td>\n'
            f'<td data-label="{label["date"]}">{escape(format_date(invoice.issue_date))}</td>\n'
            f'<td data-label="{label["due"]}">{escape(format_date(invoice.due_date))}</td>\n'
            f'<td class="num" data-label="{label["amount"]}">{escape(amount)}</td>\n'
            f'<td class="status-{status_text}" data-status="{status_text}" data-label="{label["status"]}">'
            f"{escape(status_label)}</td>\n"
            f'<td data-label="{download_label}">\n{action}\n</td>\n</tr>'
        )
    return Markup("\n".join(parts))  # noqa: S704 - every text escaped above
