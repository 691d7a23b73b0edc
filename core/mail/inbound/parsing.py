"""Reading an inbound message: who sent it, to whom, what it answers, its new text and its files.

:func:`automatic_reason` tells the mail no person wrote — RFC 3834 ``Auto-Submitted``,
``Precedence: bulk|junk|list``, ``X-Autoreply``/``X-Autorespond``, a null envelope sender, a
delivery status notification (``multipart/report``), a mailer daemon, or one of Portique's own
notifications coming back — so that it never reaches a ticket nor gets an answer (no mail loops).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from core.mail.inbound.quotes import html_to_text, latest_reply

_MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")
_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "noreply-dmarc-support")
_BULK = {"bulk", "junk", "list", "auto_reply"}
MAX_HEADER = 300


@dataclass(frozen=True)
class InboundFile:
    """An attached file as it came (name and content, unchecked)."""

    filename: str
    content: bytes


@dataclass
class InboundMail:
    """What the ticketing needs of an inbound message."""

    raw: bytes
    sender: str  # the From address, lower-cased ("" when missing)
    sender_name: str
    envelope_sender: str | None  # MAIL FROM (None when unknown, "" for the null sender of bounces)
    recipients: list[str]  # envelope recipients, else Delivered-To / X-Original-To / To / Cc
    subject: str
    message_id: str
    references: list[str]  # In-Reply-To then References, without the angle brackets
    body: str  # the author's new text: quoted history and signature removed
    files: list[InboundFile] = field(default_factory=list)
    automatic: str | None = None  # why it is an auto-reply or a bounce, or None


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, AttributeError):  # a malformed header the parser could not fold
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def automatic_reason(message: EmailMessage, envelope_sender: str | None, sender: str) -> str | None:
    """Why ``message`` was sent by a machine (auto-reply, bounce, list, loop), or ``None``."""
    reason: str | None = None
    auto = _header(message, "Auto-Submitted").lower()
    if envelope_sender == "":
        reason = "null sender"
    elif auto and not auto.startswith("no"):
        reason = f"Auto-Submitted: {auto[:40]}"
    elif _header(message, "Precedence").lower() in _BULK:
        reason = "Precedence: " + _header(message, "Precedence").lower()
    elif any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        reason = "X-Autoreply"
    elif message.get_content_type() == "multipart/report" or any(
        part.get_content_type() in ("message/delivery-status", "message/disposition-notification")
        for part in message.walk()
    ):
        reason = "delivery status notification"
    elif sender.split("@", 1)[0] in _DAEMONS:
        reason = "mailer daemon"
    elif _header(message, "X-Portique-Id"):
        reason = "a Portique notification"
    return reason


def _ids(*values: str) -> list[str]:
    found: list[str] = []
    for value in values:
        for ident in _MESSAGE_ID.findall(value):
            if ident not in found:
                found.append(ident)
    return found


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_type() == "text/html" else content


def _files(message: EmailMessage) -> list[InboundFile]:
    files: list[InboundFile] = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart" or part.get_content_type().startswith("message/"):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            files.append(InboundFile(filename=str(part.get_filename() or "attachment"), content=payload))
    return files


def _recipients(message: EmailMessage, envelope: list[str] | None) -> list[str]:
    if envelope:
        return [address.lower() for address in envelope]
    values = [_header(message, name) for name in ("Delivered-To", "X-Original-To", "To", "Cc")]
    return [address.lower() for _name, address in getaddresses(values) if "@" in address]


def parse_mail(
    raw: bytes, *, envelope_sender: str | None = None, envelope_recipients: list[str] | None = None
) -> InboundMail:
    """Read ``raw`` (RFC 5322 bytes); the envelope, when known, comes from the SMTP session."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    name, address = parseaddr(_header(message, "From"))
    sender = address.strip().lower() if "@" in address else ""
    if envelope_sender is None and message.get("Return-Path") is not None:
        envelope_sender = parseaddr(_header(message, "Return-Path"))[1].strip().lower()
    automatic = automatic_reason(message, envelope_sender, sender)
    return InboundMail(
        raw=raw,
        sender=sender[:MAX_HEADER],
        sender_name=name.strip()[:200],
        envelope_sender=envelope_sender,
        recipients=_recipients(message, envelope_recipients),
        subject=_header(message, "Subject")[:MAX_HEADER],
        message_id=_header(message, "Message-ID")[:MAX_HEADER],
        references=_ids(_header(message, "In-Reply-To"), _header(message, "References")),
        body="" if automatic else latest_reply(_text_of(message)),
        files=[] if automatic else _files(message),
        automatic=automatic,
    )
