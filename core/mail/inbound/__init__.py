"""Inbound mail: an SMTP/LMTP receiver (aiosmtpd) and an IMAP poller (imap-tools) hand raw messages
to one handler; :mod:`core.mail.inbound.parsing` reads them (sender, threading, body, attachments,
auto-reply and bounce detection) and :mod:`core.mail.inbound.quotes` strips quoted history."""
