"""E-mail addresses a person types: checked by ``email-validator`` before anything is sent to them.

The check is about syntax and the domain's shape (a real top-level domain, no special-use names
such as ``.invalid`` or ``.localhost``, no path or quoting tricks such as
``x@probe.example/../../etc/passwd``). It makes no DNS lookup: a lookup would hold the request for
as long as the resolver takes, and a resolver's bad minute would refuse real customers. An address
that is well formed but does not exist bounces: the outbox then gives up on it (see
:mod:`core.mail.worker`).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254  # RFC 5321's limit on a forward path


def normalized_address(value: object, *, special_use: bool = False) -> str | None:
    """The address in its normal form (domain lower-cased and IDNA-encoded) when it is one a mail
    can be sent to, else ``None``.

    :param special_use: accept the ``.test`` domain reserved for tests and private set-ups too: what a person
        types is refused there, but an address the operator configured may live on a private network.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_LENGTH:
        return None
    try:
        checked = validate_email(
            text,
            check_deliverability=False,
            globally_deliverable=not special_use,
            test_environment=special_use,  # newer releases refuse ``.test`` unless this is set
        )
    except (EmailNotValidError, UnicodeError, ValueError):
        return None
    return str(checked.normalized)


def is_email_address(value: object, *, special_use: bool = False) -> bool:
    """``value`` is an e-mail address a mail can be sent to (syntax and domain shape)."""
    return normalized_address(value, special_use=special_use) is not None
