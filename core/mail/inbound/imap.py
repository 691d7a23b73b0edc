"""An IMAP poller (imap-tools) for operators whose support mailbox lives elsewhere (Exchange, Gmail…).

Each poll reads the unseen messages of one folder, hands each one to the handler and then marks
it seen (or moves it to ``done_folder``); a message whose handling failed stays unseen and is
tried again at the next poll. imap-tools is blocking: a poll runs in a worker thread, and the
handler runs back on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted

log = logging.getLogger("portique.mail.inbound")

Handler = Callable[[bytes, str | None, list[str] | None], Coroutine[Any, Any, Any]]


@dataclass(frozen=True)
class ImapAccount:
    """Where to read: server, security (``ssl`` | ``starttls`` | ``plain``), credentials, folders."""

    host: str
    username: str
    password: str
    port: int | None = None
    security: str = "ssl"
    folder: str = "INBOX"
    done_folder: str = ""  # move handled messages there; empty: only mark them seen

    def connect(self) -> BaseMailBox:
        """A logged-in mailbox on :attr:`folder` (blocking)."""
        if self.security == "plain":
            box: BaseMailBox = MailBoxUnencrypted(self.host, self.port or 143, timeout=60)
        elif self.security == "starttls":
            box = MailBoxStartTls(self.host, self.port or 143, timeout=60)
        else:
            box = MailBox(self.host, self.port or 993, timeout=60)
        return box.login(self.username, self.password, initial_folder=self.folder)


async def poll_once(account: ImapAccount, handler: Handler, *, limit: int = 200) -> int:
    """Hand every unseen message (up to ``limit``) to ``handler``; return how many were taken in."""
    loop = asyncio.get_running_loop()

    def work() -> int:
        taken = 0
        with account.connect() as box:
            for message in box.fetch(AND(seen=False), mark_seen=False, limit=limit, bulk=True):
                raw = message.obj.as_bytes()
                try:
                    asyncio.run_coroutine_threadsafe(handler(raw, None, None), loop).result(timeout=300)
                except Exception:  # left unseen: the next poll tries it again
                    log.exception("IMAP message %s not taken (it stays unseen)", message.uid)
                    continue
                if message.uid is None:
                    continue
                if account.done_folder:
                    box.move(message.uid, account.done_folder)
                else:
                    box.flag(message.uid, "\\Seen", True)
                taken += 1
        return taken

    return await asyncio.to_thread(work)
