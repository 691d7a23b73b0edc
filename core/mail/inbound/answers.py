"""What a message handler raises to choose the receiver's answer, without loading the receiver (aiosmtpd)."""

from __future__ import annotations


class TryLater(Exception):  # noqa: N818 - it names the SMTP answer, not an error
    """Raised by a handler that will not take this message now (a sender over its limit): ``450``."""
