"""Every outgoing mail, in every shipped language, keeps its subject word for word once sent.

Each mail template of the core and of every plugin is rendered for a tenant of the component, in
each of its languages, delivered through the file backend and parsed back from the bytes as a
reader would (``BytesParser`` with the default policy).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from core.mail.backends import FileBackend
from core.mail.models import OutboxMessage
from core.mail.service import render_mail
from core.mail.worker import build_message

ROOT = Path(__file__).resolve().parents[2]
CORE_LANGUAGES = ["en", "fr", "fr_BE", "fr_CA", "de", "nl", "nl_BE", "en_CA"]
PROVIDERS = ["lumen_ecommerce", "videotron_business", "omicron_registration", "luminus_energy"]


class Sample(str):
    """Any value a mail template asks for: a name with accents, whose attributes are samples too."""

    def __new__(cls, text: str = "Élodie Gagné-Lévesque été reçue", **fields: object) -> Sample:
        sample = super().__new__(cls, text)
        sample.fields = fields
        return sample

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self.fields:
            return self.fields[name]
        return Sample(f"{self} {name}", **self.fields)

    def __call__(self, *args: object, **kwargs: object) -> Sample:
        return self


def templates(base: Path) -> list[str]:
    """The mail template names (``identity/confirm``…) under ``base``'s ``templates/mail``."""
    return sorted(
        str(path.relative_to(directory))[: -len(".subject.txt")]
        for directory in base.glob("**/templates/mail")
        for path in directory.glob("**/*.subject.txt")
    )


CORE_MAILS = templates(ROOT / "core")
SAMPLE_NAMES = (
    *("user", "holder", "account", "ticket", "row", "order", "mandate", "message", "person", "request"),
    *("device", "invoice", "advance", "link", "path", "serial", "subject", "name", "staff", "legacy"),
    *("record", "customer", "buyer", "contact", "inviter"),
)


def contexts() -> list[dict[str, object]]:
    """Sample contexts, one per branch the subjects take (approved or not, ticket states…)."""
    when = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)
    found = []
    for flag, status in ((True, "waiting"), (False, "resolved"), (True, "closed")):
        values: dict[str, object] = {
            "when": when,
            "date": date(2026, 3, 14),
            "due_date": date(2026, 3, 14),
            "created_at": when,
            "amount": Decimal("123.45"),
            "status": status,
            "reference": "RÉF-2026-000123 été reçue",
            "id": 1234,
            "sla_hours": 16,
            "due_at": when,
            "valid_days": 5,
            "days": 14,
            "left": 3,
            "total": Decimal("1234.50"),
        }
        sample = Sample(**values)
        found.append(
            dict.fromkeys(SAMPLE_NAMES, sample)
            | {"approved": flag, "waiting": flag, "enabled": flag, "valid_for": "5 jours", **values}
        )
    return found


async def _sent_subject(tmp_path: Path, tenant, template: str, locale: str, context) -> tuple[str, str]:
    subject, text, html = render_mail(tenant, template, context, locale)
    row = OutboxMessage(
        id=1,
        created_at=datetime(2026, 3, 14, 15, 30, tzinfo=UTC),
        tenant_id=tenant.id,
        template=template,
        sender=f"{tenant.name} <portal@example.com>",
        recipient="elodie@example.com",
        subject=subject,
        text_body=text,
        html_body=html,
        locale=locale,
    )
    backend = FileBackend(tmp_path)
    await backend.deliver(build_message(row), folder=tenant.slug)
    files = sorted((tmp_path / tenant.slug).glob("*.eml"))
    parsed = BytesParser(policy=policy.default).parsebytes(files[-1].read_bytes())
    files[-1].unlink()
    return subject, str(parsed["Subject"])


@pytest.mark.parametrize("component", [None, *PROVIDERS])
async def test_every_sent_subject_reads_as_rendered(component, make_tenant, portal, tmp_path):
    if component is None:
        tenant = await make_tenant("mails", name="Portail été", locales=CORE_LANGUAGES, default_locale="en")
        names = CORE_MAILS
    else:
        demo = portal.plugins.infos[component].demo_tenant
        tenant = await make_tenant(
            demo["slug"],
            name=demo["name"],
            plugins=[component],
            locales=demo["locales"],
            default_locale=demo["default_locale"],
        )
        names = templates(ROOT / "plugins" / component) + CORE_MAILS
    checked = 0
    for template in names:
        for locale in tenant.locales:
            for context in contexts():
                subject, received = await _sent_subject(tmp_path, tenant, template, locale, context)
                assert subject
                assert received == subject, (template, locale)
                checked += 1
    assert checked >= len(names) * len(tenant.locales) * 3
