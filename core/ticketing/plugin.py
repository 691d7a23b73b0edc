"""The ticketing default plugin: customer support pages, tables, mail templates and catalog."""

from __future__ import annotations

from datetime import timedelta

import click
from starlette.routing import BaseRoute, Route

from core.hookspecs import hookimpl
from core.i18n import gettext as _
from core.identity.models import User
from core.periodic import PeriodicJob
from core.plugin_info import PluginInfo
from core.tenancy.models import Tenant
from core.ticketing import models as _models  # noqa: F401 - registers the tables
from core.ticketing import rating_views, views
from core.ticketing.care.actions import CareAction
from core.ticketing.care.generic import everyday_actions
from core.ticketing.inbound import purge_quarantine
from core.ticketing.jobs import record_breaches, tickets_group
from core.ticketing.models import Ticket
from core.web.nav import NavItem, Widget


@hookimpl
def portique_plugin_info() -> PluginInfo:
    return PluginInfo(name="ticketing", version="0.1.0", title="Ticketing", default=True)


@hookimpl
def portique_stylesheets() -> list[str]:
    return ["/static/plugins/ticketing/ticketing.css"]


@hookimpl
def portique_cli(group: click.Group) -> None:
    # The mail receiver and IMAP poller (aiosmtpd, imap-tools) only load where the commands run.
    from core.ticketing.mail_in import mail_in

    group.add_command(tickets_group)
    group.add_command(mail_in)


@hookimpl
def portique_routes() -> list[BaseRoute]:
    return [
        Route("/support", views.support, name="support"),
        Route("/support/sent", views.sent, name="support_sent"),
        Route("/support/new/{category}", views.new_ticket, methods=["GET", "POST"], name="support_new"),
        Route("/tickets", views.my_tickets, name="tickets"),
        Route("/tickets/access/{token}", views.access, name="ticket_access"),
        Route("/tickets/rate/{token}/{score}", rating_views.rate, name="ticket_rate"),
        Route("/tickets/rate/{token}", rating_views.comment, methods=["POST"], name="ticket_rate_comment"),
        Route("/tickets/{reference}", views.ticket_page, methods=["GET", "POST"], name="ticket"),
        Route("/tickets/{reference}/status", views.ticket_status, methods=["POST"], name="ticket_status"),
        Route(
            "/tickets/{reference}/attachments/{attachment_id:id}",
            views.attachment,
            name="ticket_attachment",
        ),
    ]


@hookimpl
def portique_nav_items(tenant: Tenant, user: User | None) -> list[NavItem]:
    items = [NavItem(label=_("Support"), path="/support", order=80)]
    if user is not None:
        items.append(NavItem(label=_("My tickets"), path="/tickets", order=85))
    return items


@hookimpl
def portique_dashboard_widgets(tenant: Tenant, user: User) -> list[Widget]:
    return [Widget(template="ticketing/widget.html", load=views.widget, order=500)]


@hookimpl
def portique_periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob("ticketing.record_breaches", timedelta(minutes=1), record_breaches),
        PeriodicJob("ticketing.purge_quarantine", timedelta(hours=1), purge_quarantine),
    ]


@hookimpl
def portique_care_actions(tenant: Tenant, ticket: Ticket) -> list[CareAction]:
    return everyday_actions()
