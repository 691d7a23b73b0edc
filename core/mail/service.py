"""Rendering mail in the recipient's language and queueing it in the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateNotFound
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n.context import use_locale
from core.mail.models import OutboxMessage
from core.portal import get_portal
from core.tenancy.models import Tenant


def render_mail(tenant: Tenant | None, template: str, context: Mapping[str, Any], locale: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``mail/<template>`` rendered in ``locale`` for the tenant."""
    portal = get_portal()
    env = portal.environment(tenant)
    full = {
        "tenant": tenant,
        "theme": portal.theme(tenant),
        "locale": locale,
        "tenant_url": (lambda path="/": portal.tenant_url(tenant, path)) if tenant else None,
        "page_url": (lambda name, **params: portal.page_url(tenant, name, **params)) if tenant else None,
        **context,
    }
    with use_locale(locale, portal.translations(tenant, locale)):
        subject = env.get_template(f"mail/{template}.subject.txt").render(full).strip()
        text = env.get_template(f"mail/{template}.txt").render(full)
        try:
            html = env.get_template(f"mail/{template}.html").render(full)
        except TemplateNotFound:
            html = ""
    return " ".join(subject.split()), text, html


def queue_mail(
    db: AsyncSession,
    tenant: Tenant | None,
    to: str,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    locale: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> OutboxMessage:
    """Render and add a mail to the outbox in ``db``'s transaction; the worker sends it after commit.

    :param to: the recipient address.
    :param template: base name under ``mail/`` (``identity/confirm`` → ``mail/identity/confirm.txt``…).
    :param locale: the recipient's language; the tenant's default when not given.
    :param headers: extra headers among :data:`core.mail.worker.EXTRA_HEADERS` (``Reply-To``, ``References``…).
    """
    portal = get_portal()
    locale = locale or (tenant.default_locale if tenant else "en")
    if tenant is not None and locale not in tenant.locales:
        locale = tenant.default_locale
    subject, text, html = render_mail(tenant, template, context or {}, locale)
    theme = portal.theme(tenant)
    sender_name = tenant.name if tenant else theme.title
    address = portal.settings.mail_from.rsplit("<", 1)[-1].rstrip(">").strip()
    message = OutboxMessage(
        tenant_id=tenant.id if tenant else None,
        template=template,
        sender=f"{sender_name} <{address}>",
        recipient=to,
        subject=subject,
        text_body=text,
        html_body=html,
        locale=locale,
        headers=dict(headers) if headers else None,
    )
    db.add(message)
    return message
