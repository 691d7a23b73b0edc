"""An SMTP or LMTP receiver (aiosmtpd) in the running event loop: each message goes to one handler.

The MTA in front (Postfix, Exim, a cloud provider's inbound route) delivers the tenants' reply
domains to it. It takes only recipients the ``accepts`` callable knows (``550`` otherwise, so it
is no open relay and no backscatter source), limits the message size, and answers ``451`` (try
again later) when the handler fails, so no mail is lost while the database is away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from core.mail.inbound.answers import TryLater

log = logging.getLogger("portique.mail.inbound")

Handler = Callable[[bytes, str | None, list[str]], Awaitable[None]]
"""``await handler(raw, envelope_sender, envelope_recipients)``: take one message in."""


class InboundHandler:
    """The aiosmtpd handler: recipient check at ``RCPT``, the message to ``handler`` at ``DATA``."""

    def __init__(self, handler: Handler, accepts: Callable[[str], Awaitable[bool]]) -> None:
        self.handler = handler
        self.accepts = accepts

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not await self.accepts(address):
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        sender = envelope.mail_from
        try:
            await self.handler(raw, "" if sender in ("", "<>") else (sender or "").lower(), list(envelope.rcpt_tos))
        except TryLater:
            return "450 4.7.1 Too many messages from this sender, try again later"
        except Exception:  # whatever went wrong, the sending MTA keeps the message and retries
            log.exception("inbound message not taken (the sender will retry)")
            return "451 4.3.0 Try again later"
        return "250 OK: message accepted"


async def start_receiver(
    handler: Handler,
    accepts: Callable[[str], Awaitable[bool]],
    *,
    host: str = "127.0.0.1",
    port: int = 2525,
    lmtp: bool = False,
    max_bytes: int = 50 * 1024 * 1024,
    server_name: str = "portique",
) -> asyncio.Server:
    """Listen on ``host:port`` (port 0: a free one) and return the server (``server.close()`` stops it)."""
    protocol: type[SMTP] = LMTP if lmtp else SMTP
    inbound = InboundHandler(handler, accepts)

    def factory() -> Any:
        return protocol(inbound, data_size_limit=max_bytes, hostname=server_name, enable_SMTPUTF8=True)

    return await asyncio.get_running_loop().create_server(factory, host=host, port=port)
