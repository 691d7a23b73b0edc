"""Signed reply addresses and thread ids of ticket mail, so that an answer by e-mail finds its ticket.

Every ticket notification is sent with ``Reply-To: support+<token>@<tenant mail domain>``. The token
names the ticket and the recipient (the customer, or one agent) and carries an HMAC-SHA256 of the
tenant, the ticket, the recipient and the recipient's address, keyed by ``PORTIQUE_SECRET_KEY``:
it cannot be guessed or forged, a token of one ticket or recipient is worthless for another, and a
token of tenant A sent to tenant B's domain fails (B's id is in what is checked).

Notifications also carry ``References: <ticket.<id>.<mac>@<domain>>`` (a signed thread root), so a
reply that lost its reply address (a client that answers to ``From``, a forward) still threads by
``In-Reply-To`` / ``References``; the sender must then be the ticket's requester or one of its agents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from core.portal import get_portal
from core.tenancy.models import Tenant

LOCAL_PART = "support"
CUSTOMER = "c"
STAFF = "s"
_MAC_BYTES = 16  # 128 bits
_TOKEN = re.compile(r"^([0-9a-z]{1,12})-(c|s[0-9a-z]{1,12})-([a-z2-7]{26})$")
_THREAD = re.compile(r"^ticket\.([0-9]{1,18})\.([a-z2-7]{16})@(.+)$")


def mail_domain(tenant: Tenant) -> str:
    """The domain of the tenant's reply addresses: ``settings["ticketing"]["mail_domain"]``, else its
    first host name, else ``<slug>.<PORTIQUE_BASE_DOMAIN>``."""
    configured = (tenant.settings or {}).get("ticketing", {}).get("mail_domain")
    if isinstance(configured, str) and configured.strip():
        return configured.strip().lower()
    if tenant.hostnames:
        return str(tenant.hostnames[0]).lower()
    return f"{tenant.slug}.{get_portal().settings.base_domain}"


def _key() -> bytes:
    secret = get_portal().settings.ensure_secret_key().encode()
    return hmac.new(secret, b"portique.ticketing.reply-address", hashlib.sha256).digest()


def _mac(*parts: object, size: int = _MAC_BYTES) -> str:
    message = "|".join(str(part) for part in parts).encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:size]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


@dataclass(frozen=True)
class ReplyToken:
    """What a valid reply address designates: the ticket, and who it was sent to."""

    ticket_id: int
    kind: str  # CUSTOMER | STAFF
    staff_id: int | None


def reply_token(tenant: Tenant, ticket_id: int, email: str, *, staff_id: int | None = None) -> str:
    """The token of the reply address of ``email`` (the customer's, or agent ``staff_id``'s) on a ticket."""
    kind = CUSTOMER if staff_id is None else STAFF + _base36(staff_id)
    mac = _mac("reply", tenant.id, ticket_id, kind, email.strip().lower())
    return f"{_base36(ticket_id)}-{kind}-{mac}"


def reply_address(tenant: Tenant, ticket_id: int, email: str, *, staff_id: int | None = None) -> str:
    """``support+<token>@<mail domain>``: the Reply-To of a ticket notification to ``email``."""
    return f"{LOCAL_PART}+{reply_token(tenant, ticket_id, email, staff_id=staff_id)}@{mail_domain(tenant)}"


def token_of(address: str) -> str | None:
    """The token part of an address ``anything+<token>@domain`` (``None`` without one)."""
    local = address.rsplit("@", 1)[0]
    return local.split("+", 1)[1].lower() if "+" in local else None


def read_token(token: str) -> ReplyToken | None:
    """The ticket and recipient a token names, unchecked (``None`` when it is not shaped like one)."""
    match = _TOKEN.match(token.lower())
    if match is None:
        return None
    kind = match.group(2)
    staff_id = None if kind == CUSTOMER else int(kind[1:], 36)
    return ReplyToken(
        ticket_id=int(match.group(1), 36), kind=CUSTOMER if staff_id is None else STAFF, staff_id=staff_id
    )


def token_is_valid(tenant: Tenant, token: str, email: str) -> bool:
    """``token`` was issued by this tenant, for its ticket and recipient, to the address ``email``."""
    named = read_token(token)
    if named is None:
        return False
    expected = reply_token(tenant, named.ticket_id, email, staff_id=named.staff_id)
    return hmac.compare_digest(expected, token.lower())


def thread_id(tenant: Tenant, ticket_id: int) -> str:
    """The signed Message-ID of the ticket's thread root, named in every notification's ``References``."""
    return f"<ticket.{ticket_id}.{_mac('thread', tenant.id, ticket_id, size=10)}@{mail_domain(tenant)}>"


def ticket_of_thread(tenant: Tenant, message_ids: list[str]) -> int | None:
    """The ticket whose signed thread root (of this tenant) is among ``message_ids`` (``<…>`` stripped)."""
    for value in message_ids:
        match = _THREAD.match(value.lower())
        if match is None:
            continue
        ticket_id = int(match.group(1))
        if hmac.compare_digest(_mac("thread", tenant.id, ticket_id, size=10), match.group(2)):
            return ticket_id
    return None


def notification_headers(tenant: Tenant, ticket_id: int, email: str, *, staff_id: int | None = None) -> dict[str, str]:
    """The headers of a ticket notification to ``email``: its reply address and the thread it belongs to.

    ``X-Auto-Response-Suppress`` asks Exchange not to answer it with out-of-office replies.
    """
    root = thread_id(tenant, ticket_id)
    return {
        "Reply-To": reply_address(tenant, ticket_id, email, staff_id=staff_id),
        "References": root,
        "In-Reply-To": root,
        "X-Auto-Response-Suppress": "All",
    }
