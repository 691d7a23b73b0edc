"""Reading inbound mail: new text without quotes or signatures (en, fr, de, nl, HTML), loops, threading ids."""

from __future__ import annotations

import pytest

from core.mail.inbound.parsing import parse_mail
from core.mail.inbound.quotes import html_to_text, latest_reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thanks, done.\n\n-- \nJohn Smith\nACME\n\n"
            "On Wed, Dec 2, 2026 at 10:00 AM Lumen <s@x.example> wrote:\n> hi\n",
            "Thanks, done.",
        ),
        (
            "Merci, voici le fichier.\n\nCordialement,\nJean\n\n"
            "Le mer. 2 déc. 2026 à 10:00, Lumen <support+abc@lumen.example> a écrit :\n> Bonjour,\n",
            "Merci, voici le fichier.",
        ),
        (
            "Danke.\n\nMit freundlichen Grüßen\nHans\n\n"
            "Am 02.12.2026 um 10:00 schrieb Omicron <s@o.example>:\n> Hallo\n",
            "Danke.",
        ),
        ("Bedankt.\n\nOp wo 2 dec. 2026 om 10:00 schreef Luminus <s@l.example>:\n> Hallo\n", "Bedankt."),
        ("Yes.\n\n-----Original Message-----\nFrom: a\nSent: b\nTo: c\nSubject: d\n\nold", "Yes."),
        ("- one\n- two\n\nOK?", "- one\n- two\n\nOK?"),  # a list is not a signature
        ("Just one line", "Just one line"),
    ],
)
def test_latest_reply_keeps_only_the_new_text(text: str, expected: str) -> None:
    assert latest_reply(text) == expected


def test_html_mail_loses_its_quoted_blockquote_and_markup() -> None:
    html = "<html><head><style>p{}</style></head><body><div>Yes &amp; thanks<br>Ann</div><blockquote>old</blockquote>"
    assert html_to_text(html) == "Yes & thanks\nAnn"


def _raw(headers: str, body: str = "hello") -> bytes:
    return f"From: Ann <Ann@Customer.example>\r\nTo: support+x@a.example\r\n{headers}\r\n{body}\r\n".encode()


def test_sender_recipients_and_thread_ids_are_read() -> None:
    mail = parse_mail(
        _raw("Subject: Re: x\r\nMessage-ID: <m1@c.example>\r\nIn-Reply-To: <a@b>\r\nReferences: <r@b> <a@b>\r\n")
    )
    assert mail.sender == "ann@customer.example"
    assert mail.recipients == ["support+x@a.example"]
    assert mail.references == ["a@b", "r@b"]
    assert mail.automatic is None
    assert mail.body == "hello"


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "Precedence: bulk\r\n",
        "Precedence: list\r\n",
        "X-Autoreply: yes\r\n",
        "Return-Path: <>\r\n",
        "X-Portique-Id: 12\r\n",
    ],
)
def test_machine_mail_is_recognised(headers: str) -> None:
    mail = parse_mail(_raw(headers))
    assert mail.automatic is not None
    assert mail.body == ""


def test_a_person_saying_auto_submitted_no_is_not_a_machine() -> None:
    assert parse_mail(_raw("Auto-Submitted: no\r\n")).automatic is None
    assert parse_mail(_raw(""), envelope_sender="").automatic == "null sender"
